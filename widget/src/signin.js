// Sign-in as porch.js sees it. The sign-in UI (auth.js) is a separate file, static/auth.js, that a site without
// sign-in providers never needs: it is loaded from the widget's own server only when the site offers providers
// or the reader has a session here. Until it is in (and on guest-only sites, always) this answers for it from
// the stored session: the headers of API calls and whether the guest fields apply.
import { addWords } from './i18n.js';
import { sessionKey } from './storage.js';

/* global __PORCH_AUTH_FILE__ */
// "static/auth.js?v=<hash of its content>", so that a cached copy always matches this porch.js.
const AUTH_FILE = typeof __PORCH_AUTH_FILE__ === 'string' ? __PORCH_AUTH_FILE__ : 'static/auth.js';
// A page whose Content-Security-Policy admits porch.js by nonce admits the files it loads with the same nonce.
const NONCE = typeof document === 'object' && document.currentScript ? document.currentScript.nonce : '';
const loading = new Map(); // script URL → promise of its export, shared by every widget on the page

// Runs the script at `url` and resolves to what it hands over on its own element (auth-entry.js).
function loadModule(url) {
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

export function createSignIn({ server, site, store, api, t, onChange }) {
  const key = sessionKey(server, site);
  let auth = null; // auth.js's object, once loaded
  let guests = true;
  let destroyed = false;

  return {
    headers() {
      if (auth) return auth.headers();
      const session = store.get(key);
      return session ? { Authorization: 'Bearer ' + session.token } : {};
    },
    guestFields: () => (auth ? auth.guestFields() : guests && !store.get(key)),
    // An API call failed: a refused session token means the reader is signed out.
    failed(error) {
      if (auth) auth.failed(error);
      else if (error && error.status === 401 && error.code === 'invalid_token') {
        store.remove(key);
        onChange();
      }
    },
    // Called once the site is known (GET /api/v1/sites/SITE). `place(element)` puts the sign-in controls at the
    // top of the form when they are loaded; the form itself is usable meanwhile.
    async slot(info, place) {
      guests = !(info && info.guests === false);
      if (!(info && info.providers && info.providers.length) && !store.get(key)) return;
      // Only ever from the widget's own server: AUTH_FILE is a relative path under it.
      const url = new URL(AUTH_FILE, server);
      try {
        const createAuth = await loadModule(url.href);
        if (destroyed) return;
        auth = createAuth({ server, site, store, api, t, addWords, onChange });
        const element = auth.slot(info);
        if (element) place(element);
        onChange();
      } catch {
        // The file could not be loaded: no sign-in controls; a stored session is still sent.
      }
    },
    destroy() {
      destroyed = true;
      if (auth) auth.destroy();
    },
  };
}
