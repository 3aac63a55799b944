// Sign-in as porch.js sees it. The sign-in UI (auth.js) is a separate file, static/auth.js, that a site without
// sign-in providers never needs: it is loaded from the widget's own server only when the site offers providers
// or the reader has a session here. Until it is in (and on guest-only sites, always) this answers for it from
// the stored session: the headers of API calls and whether the guest fields apply.
import { addWords } from './i18n.js';
import { loadModule } from './load.js';
import { sessionKey } from './storage.js';

/* global __PORCH_AUTH_FILE__ */
// "static/auth.js?v=<hash of its content>", so that a cached copy always matches this porch.js.
const AUTH_FILE = typeof __PORCH_AUTH_FILE__ === 'string' ? __PORCH_AUTH_FILE__ : 'static/auth.js';
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
    // The signed-in user ({name, provider, url, avatar}) or null; auth.js keeps the session in the same place.
    user: () => (store.get(key) || {}).user || null,
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
