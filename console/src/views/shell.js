// The console's frame: header (who is signed in, sign out), navigation with counts, site filter, live status,
// the main area, the list of keyboard shortcuts, and one polite live region for announcements.
import { SHORTCUTS } from '../keys.js';
import { TABS, formatRoute } from '../router.js';
import { h } from '../../../widget/src/dom.js';

export function createShell({ onSignOut, onSite }) {
  const who = h('span', { class: 'who-am-i' });
  const signOut = h('button', { type: 'button', class: 'btn', hidden: true, onclick: onSignOut }, 'Sign out');
  const links = new Map();
  const navItem = (view, label) => {
    const count = h('span', { class: 'count' });
    const link = h('a', { href: formatRoute({ view }) }, label, count);
    links.set(view, { link, count });
    return h('li', null, link);
  };
  const nav = h(
    'nav',
    { 'aria-label': 'Moderation', hidden: true },
    h('ul', null, TABS.map((tab) => navItem(tab.view, tab.label)), navItem('bans', 'Bans'), navItem('log', 'Log')),
  );
  const siteSelect = h('select', { id: 'site', onchange: () => onSite(siteSelect.value) });
  const siteBox = h('div', { class: 'sitefilter', hidden: true }, h('label', { for: 'site' }, 'Site'), siteSelect);
  const live = h('span', { class: 'live', role: 'status' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const announcer = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const keys = h(
    'aside',
    { class: 'keys', 'aria-labelledby': 'keys-title', hidden: true },
    h('h2', { id: 'keys-title' }, 'Keyboard shortcuts'),
    h('dl', null, SHORTCUTS.map((s) => h('div', null, h('dt', null, h('kbd', null, s.key)), h('dd', null, s.help)))),
    h('p', { class: 'note' }, 'Shortcuts act on the comment with focus. Tab reaches every button too.'),
  );

  const el = h(
    'div',
    { class: 'app' },
    h('a', { class: 'skip', href: '#main' }, 'Skip to the comments'),
    h(
      'header',
      null,
      h('div', { class: 'top' }, h('h1', null, 'Porch moderation'), h('div', { class: 'me' }, who, signOut)),
      h('div', { class: 'toolbar' }, nav, siteBox, live),
    ),
    main,
    keys,
    announcer,
  );
  // The skip link moves focus without touching the fragment, which is the console's route.
  el.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });

  return {
    el,
    main,
    setMe(me) {
      who.textContent = me ? `Signed in as ${me.actor}` : '';
      signOut.hidden = !me;
      const moderating = Boolean(me && me.moderator);
      nav.hidden = !moderating;
      keys.hidden = !moderating;
      siteBox.hidden = !moderating;
      live.hidden = !moderating;
    },
    setRoute(route, counts) {
      for (const [view, { link, count }] of links) {
        const current = view === route.view;
        link.setAttribute('href', formatRoute({ view, site: route.site }));
        if (current) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
        const n = counts && counts[view];
        count.textContent = typeof n === 'number' ? String(n) : '';
      }
    },
    setSites(sites, current) {
      siteSelect.replaceChildren(
        h('option', { value: '' }, 'All sites'),
        ...sites.map((site) => h('option', { value: site.id, selected: site.id === current }, site.title && site.title !== site.id ? `${site.title} (${site.id})` : site.id)),
      );
      siteSelect.value = current || '';
    },
    setLive(state) {
      live.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : '';
      live.dataset.state = state;
    },
    announce(text) {
      // The same text twice in a row is still announced: clear first, then set.
      announcer.textContent = '';
      queueMicrotask(() => (announcer.textContent = text));
    },
  };
}
