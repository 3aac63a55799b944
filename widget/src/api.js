// The Porch HTTP API. Failures become ApiError with the server's stable code, or "network". These are the calls
// every reader makes; the parts loaded on demand make theirs through `call` (calls.js).

export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message || code);
    this.code = code;
    this.status = status;
  }
}

export function createApi(server, authHeaders = () => ({})) {
  // Public reads (the site, the thread) go without the session: a GET without headers of ours is a simple
  // CORS request, with no preflight, cacheable by the browser.
  async function call(method, path, { query, body, headers, signed = true } = {}) {
    const url = new URL(path, server);
    if (query) url.search = new URLSearchParams(query).toString();
    const init = { method, credentials: 'omit', headers: { ...(signed ? authHeaders() : {}), ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url.href, init);
    } catch (error) {
      throw new ApiError('network', error && error.message);
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      // a body that is not JSON (a proxy's error page): reported below by status
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(error.code || 'http_' + response.status, error.message, response.status);
    }
    return data;
  }

  return {
    call,
    site: (site) => call('GET', `api/v1/sites/${encodeURIComponent(site)}`, { signed: false }),
    comments: (query) => call('GET', 'api/v1/comments', { query, signed: false }),
    post: (body) => call('POST', 'api/v1/comments', { body }),
  };
}
