// Messages, plurals and language packs. English is built in; the others are fetched from the server on demand.
import en from './lang/en.js';

export const LANGUAGES = ['de', 'es', 'fr', 'ru'];

// "de-AT" → "de" when a German pack exists; null when only English applies.
export function packFor(lang) {
  const primary = String(lang || '').toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.includes(primary) ? primary : null;
}

function fill(template, vars, lang) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => {
    if (!(key in vars)) return whole;
    const value = vars[key];
    return typeof value === 'number' ? value.toLocaleString(lang) : String(value);
  });
}

// Adds the English words of a part loaded on demand (it brings them along) to the built-in table, so t() finds them.
export function addWords(words) {
  Object.assign(en, words);
}

// A translator: t(key, vars). Plural messages choose their form from vars.n.
export function translator(lang, pack) {
  const rules = new Intl.PluralRules(lang);
  return (key, vars = {}) => {
    let message = (pack && pack[key]) || en[key] || key;
    if (typeof message === 'object') message = message[rules.select(vars.n)] || message.other;
    return fill(message, vars, lang);
  };
}

// What an API failure (api.js ApiError) means for the reader, in their words; `n` fills "at most {n} characters".
export function errorText(t, error, n) {
  const code = (error && error.code) || 'unknown';
  const key = 'err_' + code;
  return key in en ? t(key, { n }) : t('err_unknown', { message: (error && error.message) || code });
}

// Fetches the language pack for `lang` from `server`; resolves to a translator (English when there is no pack or it fails).
export async function loadTranslator(lang, server, fetchImpl = fetch) {
  const pack = packFor(lang);
  if (!pack) return translator(lang, null);
  try {
    const response = await fetchImpl(new URL(`static/i18n/${pack}.json`, server).href, { credentials: 'omit' });
    if (!response.ok) throw new Error(String(response.status));
    return translator(lang, await response.json());
  } catch {
    return translator(lang, null);
  }
}
