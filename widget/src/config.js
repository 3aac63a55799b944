// Reads the embed's settings (a script tag's dataset or Porch.mount options) into one frozen object.
// Pure: everything the browser would provide is passed in through `page`.

export const THEMES = ['auto', 'light', 'dark'];
export const SORTS = ['oldest', 'newest', 'top'];

function pick(value, allowed, fallback) {
  return allowed.includes(value) ? value : fallback;
}

// A BCP 47 tag the Intl APIs accept, else English.
export function validLang(tag) {
  try {
    return Intl.getCanonicalLocales(tag)[0] || 'en';
  } catch {
    return 'en';
  }
}

function text(value) {
  return typeof value === 'string' && value.trim() ? value.trim() : '';
}

// The server is wherever porch.js was loaded from: "https://c.example.com/sub/porch.js" → "https://c.example.com/sub/".
export function serverBase(scriptSrc, pageHref) {
  const url = new URL(scriptSrc, pageHref);
  url.search = '';
  url.hash = '';
  return new URL('.', url).href;
}

/**
 * @param {Record<string, string|undefined>} options dataset-style keys: site, thread, title, url, theme, lang, sort, target, server
 * @param {{href: string, pathname: string, title: string, canonical?: string, lang?: string, server: string}} page
 */
export function parseConfig(options, page) {
  const server = text(options.server) ? serverBase(options.server.replace(/\/?$/, '/'), page.href) : page.server;
  return Object.freeze({
    server,
    site: text(options.site),
    thread: text(options.thread) || page.pathname || '/',
    title: text(options.title) || text(page.title),
    url: text(options.url) || text(page.canonical) || page.href.split('#')[0],
    theme: pick(options.theme, THEMES, 'auto'),
    lang: validLang(text(options.lang) || text(page.lang) || 'en'),
    sort: pick(options.sort, SORTS, 'oldest'),
    target: text(options.target),
  });
}
