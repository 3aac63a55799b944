// Porch.counts(): fills every [data-porch-count="THREAD"] element with "N comments".
import { createApi } from './api.js';
import { counts } from './calls.js';
import { loadTranslator } from './i18n.js';

const MAX_THREADS = 100; // threads asked for in one request

/**
 * @param {{server: string, site: string, lang: string, root?: ParentNode}} options
 * Elements may name another site with data-porch-site. Resolves to {site: {thread: n}}.
 */
export async function fillCounts({ server, site, lang, root = document }) {
  const elements = [...root.querySelectorAll('[data-porch-count]')];
  const bySite = new Map();
  for (const el of elements) {
    const key = el.getAttribute('data-porch-site') || site;
    if (!key) continue;
    if (!bySite.has(key)) bySite.set(key, new Set());
    bySite.get(key).add(el.getAttribute('data-porch-count'));
  }
  const api = createApi(server);
  const t = await loadTranslator(lang, server);
  const result = {};
  for (const [key, threads] of bySite) {
    const all = [...threads];
    result[key] = {};
    for (let i = 0; i < all.length; i += MAX_THREADS) {
      Object.assign(result[key], (await counts(api, key, all.slice(i, i + MAX_THREADS))).counts);
    }
  }
  for (const el of elements) {
    const n = (result[el.getAttribute('data-porch-site') || site] || {})[el.getAttribute('data-porch-count')];
    if (typeof n === 'number') el.textContent = t('count', { n });
  }
  return result;
}
