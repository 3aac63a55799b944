// Where the console is: the URL fragment, read and written as key=value pairs ("#view=pending&site=blog").
// The fragment also carries a one-time sign-in link ("#login=..."), which is taken out at once. Pure.

export const TABS = [
  { view: 'pending', status: 'pending', label: 'Pending' },
  { view: 'flagged', status: 'flagged', label: 'Reported' },
  { view: 'spam', status: 'spam', label: 'Spam' },
  { view: 'all', status: null, label: 'All' },
];
const PAGES = ['bans', 'log'];
const DEFAULT_VIEW = 'pending';

export function isQueue(view) {
  return TABS.some((tab) => tab.view === view);
}

export function tabOf(view) {
  return TABS.find((tab) => tab.view === view) || null;
}

/**
 * {view, site, q} for a queue tab, {view: 'thread', site, thread} for one thread, {view: 'bans'|'log', site};
 * anything unknown is the Pending tab. `site` and `q` are '' when absent.
 */
export function parseRoute(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const view = params.get('view') || DEFAULT_VIEW;
  const site = params.get('site') || '';
  if (view === 'thread' && site && params.get('thread')) return { view, site, thread: params.get('thread') };
  if (PAGES.includes(view)) return { view, site };
  return { view: isQueue(view) ? view : DEFAULT_VIEW, site, q: params.get('q') || '' };
}

export function formatRoute(route) {
  const params = new URLSearchParams({ view: route.view });
  for (const key of ['site', 'thread', 'q']) if (route[key]) params.set(key, route[key]);
  return '#' + params.toString();
}

/** The secret of a `porch admin link` ("#login=SECRET"), or null. */
export function loginFromHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const link = params.get('login');
  return link && link.trim() ? link.trim() : null;
}
