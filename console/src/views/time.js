// A <time> element: relative text ("3 minutes ago"), the exact time as its tooltip.
import { h } from '../../../widget/src/dom.js';
import { exactTime, relativeTime } from '../../../widget/src/time.js';

export function timeElement(iso, now = Date.now(), lang = 'en') {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return h('span', null, '');
  return h('time', { datetime: iso, title: exactTime(ms, lang) }, relativeTime(ms, now, lang));
}

/** Brings every relative time under `root` up to date ("now" becomes "3 minutes ago"). */
export function refreshTimes(root, now = Date.now(), lang = 'en') {
  for (const el of root.querySelectorAll('time[datetime]')) {
    const ms = Date.parse(el.getAttribute('datetime'));
    if (!Number.isNaN(ms)) el.textContent = relativeTime(ms, now, lang);
  }
}
