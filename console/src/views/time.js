// A <time> element: relative text ("3 minutes ago"), the exact time as its tooltip.
import { h } from '../../../widget/src/dom.js';
import { exactTime, relativeTime } from '../../../widget/src/time.js';

export function timeElement(iso, now = Date.now(), lang = 'en') {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return h('span', null, '');
  return h('time', { datetime: iso, title: exactTime(ms, lang) }, relativeTime(ms, now, lang));
}
