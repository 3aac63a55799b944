// The admin JSON API (/api/v1/admin/...) and the console's sign-in endpoints, on the page's own origin.
// The console session is an HttpOnly cookie the browser sends by itself; the console never sees a token.
// Failures become ApiError with the server's stable code, or "network".

export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message || code);
    this.code = code;
    this.status = status;
  }
}

const enc = encodeURIComponent;

// Only the keys that have a value: an empty search or "every site" is no parameter at all.
export function queryString(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? '?' + text : '';
}

/** `base` is the server's root URL (the page is at base + "admin/"); `fetchImpl` is for tests. */
export function createAdminApi(base, fetchImpl = (...args) => fetch(...args)) {
  async function call(method, path, { query, body } = {}) {
    const url = new URL(path + queryString(query), base);
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetchImpl(url.href, init);
    } catch (error) {
      throw new ApiError('network', error && error.message);
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      // not JSON (a proxy's error page): reported below by its status
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(error.code || 'http_' + response.status, error.message, response.status);
    }
    return data;
  }

  return {
    me: () => call('GET', 'api/v1/admin/me'),
    redeemLink: (link) => call('POST', 'api/v1/admin/session', { body: { link } }),
    logout: () => call('POST', 'api/v1/admin/logout'),
    providers: () => call('GET', 'api/v1/admin/providers'),
    comments: (query) => call('GET', 'api/v1/admin/comments', { query }),
    patchComment: (id, changes) => call('PATCH', `api/v1/admin/comments/${enc(id)}`, { body: changes }),
    lockThread: (site, thread, locked) =>
      call('PATCH', 'api/v1/admin/threads', { query: { site, thread }, body: { locked } }),
    bans: (site) => call('GET', 'api/v1/admin/bans', { query: { site } }),
    ban: (body) => call('POST', 'api/v1/admin/bans', { body }),
    liftBan: (id) => call('DELETE', `api/v1/admin/bans/${enc(id)}`),
    log: (query) => call('GET', 'api/v1/admin/log', { query }),
    // Public reads: a thread's title and whether it is locked, a site's sign-in providers.
    thread: (site, thread) => call('GET', 'api/v1/comments', { query: { site, thread, limit: 1 } }),
    site: (site) => call('GET', `api/v1/sites/${enc(site)}`),
  };
}
