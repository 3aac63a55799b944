// localStorage of the host page, keyed by Porch server so two servers on one page never mix.
// Every access is guarded: storage can be full, disabled or throw in private modes.

export const draftKey = (server, site, thread) => `porch:draft:${server}|${site}|${thread}`;
export const tokenKey = (server, id) => `porch:token:${server}|${id}`;
export const guestKey = (server) => `porch:guest:${server}`;
export const sessionKey = (server, site) => `porch:session:${server}|${site}`;
// The reader's comments of a thread that await moderation: [{id, token}] (a guest's edit token proves them theirs).
export const heldKey = (server, site, thread) => `porch:held:${server}|${site}|${thread}`;
const TOKEN_PREFIX = 'porch:token:';

export function keyValueStore(storage) {
  return {
    get(key) {
      try {
        const raw = storage.getItem(key);
        return raw === null ? null : JSON.parse(raw);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        storage.setItem(key, JSON.stringify(value));
        return true;
      } catch {
        return false;
      }
    },
    remove(key) {
      try {
        storage.removeItem(key);
      } catch {
        // nothing to do: storage is unavailable
      }
    },
    // Drops the edit tokens of `server` whose window has closed.
    pruneTokens(server, now) {
      try {
        const prefix = TOKEN_PREFIX + server + '|';
        for (let i = storage.length - 1; i >= 0; i--) {
          const key = storage.key(i);
          if (key && key.startsWith(prefix) && !(this.get(key)?.expires > now)) storage.removeItem(key);
        }
      } catch {
        // storage unavailable
      }
    },
  };
}

// A stand-in when localStorage is missing altogether (e.g. blocked by the browser): forgets everything.
export function memoryStorage() {
  const map = new Map();
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
  };
}
