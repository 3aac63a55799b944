// Relative ("3 minutes ago") and exact times through the browser's Intl APIs.

const SECOND = 1000;
const STEPS = [
  // [unit, length in ms, use this unit while the distance is below]
  ['second', SECOND, 60 * SECOND],
  ['minute', 60 * SECOND, 3600 * SECOND],
  ['hour', 3600 * SECOND, 86400 * SECOND],
  ['day', 86400 * SECOND, 30 * 86400 * SECOND],
  ['month', 30 * 86400 * SECOND, 365 * 86400 * SECOND],
  ['year', 365 * 86400 * SECOND, Infinity],
];
const JUST_NOW = 45 * SECOND;

const cache = new Map();
function formatter(kind, lang, make) {
  const key = kind + lang;
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

export function relativeTime(thenMs, nowMs, lang) {
  const rtf = formatter('r', lang, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  const diff = thenMs - nowMs;
  const distance = Math.abs(diff);
  if (distance < JUST_NOW) return rtf.format(0, 'second');
  for (const [unit, size, below] of STEPS) {
    if (distance < below) return rtf.format(Math.sign(diff) * Math.floor(distance / size), unit);
  }
  return '';
}

export function exactTime(thenMs, lang) {
  const dtf = formatter('d', lang, () => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }));
  return dtf.format(thenMs);
}
