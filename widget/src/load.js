// The parts of the widget that porch.js loads on demand (static/auth.js, static/extras.js), always from the
// widget's own server. Each is a script that hands its export to the <script> element porch.js made for it,
// through an event on that element, so it defines no global and nothing else on the page can stand in for it.

import { addWords } from './i18n.js';

/* global __PORCH_EXTRAS_FILE__ */
// "static/extras.js?v=<hash of its content>", so that a cached copy always matches this porch.js.
const EXTRAS_FILE = typeof __PORCH_EXTRAS_FILE__ === 'string' ? __PORCH_EXTRAS_FILE__ : 'static/extras.js';
// A page whose Content-Security-Policy admits porch.js by nonce admits the files it loads with the same nonce.
const NONCE = typeof document === 'object' && document.currentScript ? document.currentScript.nonce : '';
const loading = new Map(); // script URL → promise of its export, shared by every widget on the page

/** Runs the script at `url` and resolves to what it hands over on its own element. */
export function loadModule(url) {
  if (!loading.has(url)) {
    const promise = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      if (NONCE) script.nonce = NONCE;
      script.addEventListener('porch:module', (event) => resolve(event.detail));
      // After a successful run the promise is already resolved, and this changes nothing.
      script.onload = script.onerror = () => {
        script.remove();
        reject(new Error(url));
      };
      document.head.append(script);
    });
    promise.catch(() => loading.delete(url)); // the next widget tries again
    loading.set(url, promise);
  }
  return loading.get(url);
}

/** static/extras.js of `server` (extras-entry.js): its parts by name, once its English words are in. */
export function loadExtras(server) {
  return loadModule(new URL(EXTRAS_FILE, server).href).then((parts) => (addWords(parts.words), parts));
}
