// The console's controller: signs in, follows the route, loads lists, runs actions and shortcuts, and
// follows the admin live socket. Views build the DOM (views/), pure modules keep the state (store.js,
// router.js, actions.js, keys.js).
import { CHANGES, DONE, LABELS, actionsFor } from './actions.js';
import { createAdminApi } from './api.js';
import { shortcutOf } from './keys.js';
import { THREAD_FRAME, adminLiveUrl, connectAdminLive } from './live.js';
import { formatRoute, isQueue, loginFromHash, parseRoute, tabOf } from './router.js';
import { Queue } from './store.js';
import { bansView } from './views/bans.js';
import { askBan, confirmDelete } from './views/dialogs.js';
import { logView } from './views/log.js';
import { listView } from './views/queue.js';
import { authorName } from './views/row.js';
import { createShell } from './views/shell.js';
import { notModeratorView, signInView } from './views/signin.js';
import { refreshTimes } from './views/time.js';
import { h } from '../../widget/src/dom.js';

const PAGE = 50; // comments per request
const REFRESH_MAX = 200; // the most a refresh reads again (the API's largest page)
const TICK_MS = 30000; // how often relative times ("3 minutes ago") are brought up to date

const MESSAGES = {
  admin_link_invalid: 'This sign-in link is not valid any more: links work once, for 10 minutes. Run `porch admin link` for a new one.',
  admin_sign_in_required: 'Your console session has ended. Please sign in again.',
  not_a_moderator: 'You do not moderate that site.',
  comment_deleted: 'This comment was deleted already.',
  network: 'The server could not be reached. Please try again.',
};

export function messageOf(error) {
  return MESSAGES[error && error.code] || (error && error.message) || 'Something went wrong.';
}

/** Starts the console in `root` (the page's <div id="console">). */
export function startConsole(root) {
  const base = new URL('../', location.href).href; // the console is at PUBLIC_URL/admin/
  const api = createAdminApi(base);
  const shell = createShell({ onSignOut: signOut, onSite: (site) => go({ ...routeWithoutThread(), site }) });
  root.replaceChildren(shell.el);
  setInterval(() => refreshTimes(shell.main), TICK_MS);

  let me = null;
  let sites = [];
  let route = parseRoute('');
  let counts = null;
  let queue = null; // the list of the current queue tab or thread
  let view = null; // what listView() returned, for queue tabs and the thread view
  let generation = 0; // bumped on every route change: answers for an older route are dropped
  let live = null;
  let refreshing = false;
  let refreshAgain = false;
  let routedOnce = false;

  // ---- signing in ------------------------------------------------------------------------------------------

  async function boot() {
    const link = loginFromHash(location.hash);
    let problem = null;
    if (link) {
      // The secret leaves the address bar and the history before anything else happens.
      history.replaceState(null, '', location.pathname + location.search);
      try {
        await api.redeemLink(link);
      } catch (error) {
        problem = messageOf(error);
      }
    }
    try {
      me = await api.me();
    } catch (error) {
      if (error.status !== 401) problem = problem || messageOf(error);
      return showSignIn(problem);
    }
    shell.setMe(me);
    if (!me.moderator) {
      shell.main.replaceChildren(notModeratorView({ actor: me.actor }));
      return;
    }
    sites = Array.isArray(me.sites) ? me.sites.map((id) => ({ id })) : [];
    addEventListener('hashchange', onRoute);
    document.addEventListener('keydown', onKey);
    live = connectAdminLive({ url: adminLiveUrl(base), onFrame, onStatus });
    onRoute();
    if (problem) shell.announce(problem);
  }

  async function showSignIn(problem) {
    stopModerating();
    me = null;
    shell.setMe(null);
    let providers = [];
    try {
      providers = (await api.providers()).providers || [];
    } catch {
      // no providers to offer: the admin link still works
    }
    shell.main.replaceChildren(signInView({ providers, error: problem }));
    document.title = 'Sign in · Porch moderation';
  }

  async function signOut() {
    try {
      await api.logout();
    } catch {
      // the cookie goes either way once the session is unknown to the server
    }
    await showSignIn(null);
    shell.main.querySelector('h2').focus();
  }

  function stopModerating() {
    removeEventListener('hashchange', onRoute);
    document.removeEventListener('keydown', onKey);
    if (live) live.close();
    live = null;
    queue = null;
    view = null;
  }

  // Any answer may say the session is over (expired, revoked, signed out in another tab).
  function failed(error) {
    if (error && error.code === 'admin_sign_in_required') {
      showSignIn(messageOf(error));
      return true;
    }
    return false;
  }

  // ---- routes ----------------------------------------------------------------------------------------------

  function routeWithoutThread() {
    return route.view === 'thread' ? { view: 'pending', site: route.site } : { ...route };
  }

  function go(next) {
    const hash = formatRoute(next);
    if (hash === location.hash) onRoute();
    else location.hash = hash;
  }

  function onRoute() {
    const keepFocus = document.activeElement && document.activeElement.id === 'site';
    route = parseRoute(location.hash);
    generation += 1;
    queue = null;
    view = null;
    shell.setRoute(route, counts);
    shell.setSites(knownSites(), route.site);
    if (isQueue(route.view) || route.view === 'thread') showList();
    else if (route.view === 'bans') showBans();
    else showLog();
    // After a move within the console, focus goes to the new view's heading (not on the first load).
    if (routedOnce && !keepFocus) shell.main.querySelector('h2').focus();
    routedOnce = true;
  }

  function knownSites() {
    const ids = new Set(sites.map((s) => s.id));
    if (route.site && !ids.has(route.site)) return [...sites, { id: route.site }];
    return sites;
  }

  // An administrator of every site is told which sites exist only by what the lists show.
  function learnSites(comments) {
    if (me && Array.isArray(me.sites)) return;
    let changed = false;
    for (const comment of comments) {
      if (comment.site && !sites.some((s) => s.id === comment.site)) {
        sites = [...sites, { id: comment.site }].sort((a, b) => (a.id < b.id ? -1 : 1));
        changed = true;
      }
    }
    if (changed) shell.setSites(knownSites(), route.site);
  }

  function setCounts(next) {
    if (!next) return;
    counts = next;
    shell.setRoute(route, counts);
    const tab = tabOf(route.view);
    const label = tab ? tab.label : route.view === 'thread' ? 'Thread' : route.view === 'bans' ? 'Bans' : 'Log';
    document.title = `${counts.pending ? `(${counts.pending}) ` : ''}${label} · Porch moderation`;
  }

  // ---- queue tabs and the thread view ---------------------------------------------------------------------

  function listQuery(extra) {
    const tab = tabOf(route.view);
    if (tab) return { status: tab.status, site: route.site, q: route.q, ...extra };
    return { site: route.site, thread: route.thread, ...extra };
  }

  function showList() {
    const thread = route.view === 'thread';
    queue = new Queue(route);
    const lock = thread ? threadControls() : null;
    view = listView({
      title: thread ? 'Thread' : tabOf(route.view).label,
      route,
      header: lock && lock.el,
      search: !thread,
      onSearch: (q) => go({ view: route.view, site: route.site, q }),
      onBulk: (action) => act(action, queue.selectedIds()),
      onSelectAll: (on) => {
        queue.selectAll(on);
        view.update(queue);
      },
      onMore: () => loadList(true),
      rowCtx: {
        base,
        showSite: !route.site,
        showThread: !thread,
        tabStatus: tabOf(route.view) ? tabOf(route.view).status : null,
        mixed: route.view === 'all' || thread,
        onAction: (action, id) => act(action, [id]),
        onSelect: (id, on) => {
          queue.toggle(id, on);
          view.update(queue);
        },
        onThread: openThread,
      },
    });
    view.lock = lock;
    shell.main.replaceChildren(view.el);
    loadList(false);
  }

  async function loadList(append) {
    const mine = generation;
    const list = view;
    list.update(queue, { loading: true });
    try {
      const page = await api.comments(listQuery({ limit: PAGE, after: append ? queue.next : undefined }));
      if (mine !== generation) return;
      const before = queue.size;
      queue.load(page, { append });
      learnSites(page.comments || []);
      setCounts(page.counts);
      list.update(queue);
      if (list.lock) list.lock.fromComments(queue.items);
      if (append && queue.size > before) list.list.focus(queue.items[before].id);
    } catch (error) {
      if (mine !== generation || failed(error)) return;
      list.update(queue, { error: messageOf(error) });
    }
  }

  // Reads the top of the current list again after live frames; frames that come meanwhile ask for one more.
  async function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        const mine = generation;
        if (queue) {
          const limit = Math.min(REFRESH_MAX, Math.max(PAGE, queue.size));
          const page = await api.comments(listQuery({ limit }));
          if (mine !== generation || !queue) continue;
          const added = queue.merge(page);
          learnSites(page.comments || []);
          setCounts(page.counts);
          view.update(queue);
          announceNew(added.map((id) => queue.get(id)));
        } else {
          const page = await api.comments({ status: 'pending', site: route.site, limit: 1 });
          if (mine === generation) setCounts(page.counts);
        }
      } while (refreshAgain);
    } catch (error) {
      failed(error);
    } finally {
      refreshing = false;
    }
  }

  function announceNew(comments) {
    if (!comments.length) return;
    if (comments.length > 1) return shell.announce(`${comments.length} new comments in this list.`);
    const [c] = comments;
    const kind = c.status === 'pending' ? 'pending comment' : c.status === 'spam' ? 'spam comment' : 'comment';
    const where = c.thread && (c.thread.title || c.thread.key);
    shell.announce(`New ${kind} by ${authorName(c)}${where ? ` on ${where}` : ''}.`);
  }

  function openThread(comment) {
    go({ view: 'thread', site: comment.site, thread: comment.thread.key });
  }

  // The thread view's title, link and Lock/Unlock button.
  function threadControls() {
    let locked = null;
    const state = h('p', { class: 'note' });
    const link = h('p', { class: 'where' });
    const button = h('button', { type: 'button', class: 'btn', hidden: true, onclick: toggle });
    const el = h('div', { class: 'threadhead' }, link, h('div', { class: 'actions' }, button, state));
    const controls = { el, show, fromComments: (items) => items.length && show(items[0].thread) };

    function show(thread) {
      if (!thread || !view || view.lock !== controls) return; // an answer for a view since left
      if (typeof thread.locked === 'boolean') locked = thread.locked;
      if (thread.title || thread.url) {
        link.replaceChildren('Page: ');
        const href = thread.url && /^https?:/i.test(thread.url) ? thread.url : null;
        link.append(href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, thread.title || thread.url, h('span', { class: 'sr' }, ' (opens in a new tab)')) : thread.title);
        view.title.textContent = `Thread: ${thread.title || route.thread}`;
      } else view.title.textContent = `Thread: ${route.thread}`;
      button.hidden = locked === null;
      button.textContent = locked ? 'Unlock thread' : 'Lock thread';
      state.textContent = locked === null ? '' : locked ? 'Locked: readers cannot add comments.' : 'Open for comments.';
    }

    async function toggle() {
      button.disabled = true;
      try {
        const answer = await api.lockThread(route.site, route.thread, !locked);
        show(answer.thread);
        shell.announce(locked ? 'The thread is locked.' : 'The thread is open again.');
      } catch (error) {
        if (!failed(error)) state.textContent = messageOf(error);
      } finally {
        button.disabled = false;
        button.focus();
      }
    }

    // A thread without comments has no admin row to read from: its public read says whether it is locked.
    api
      .thread(route.site, route.thread)
      .then((data) => {
        if (data && data.thread) show(data.thread);
      })
      .catch(() => {});

    return controls;
  }

  // ---- actions ---------------------------------------------------------------------------------------------

  async function act(action, ids) {
    if (!queue) return;
    ids = ids.filter((id) => queue.has(id));
    if (!ids.length) return;
    const first = queue.get(ids[0]);
    if (action === 'pin' && first.pinned) action = 'unpin';
    if (ids.length === 1 && !actionsFor(first).includes(action)) {
      shell.announce(`${LABELS[action]} does not apply to this comment.`);
      return;
    }
    if (action === 'ban') return ban(first);
    if (action === 'delete') {
      const yes = await confirmDelete(ids.length, authorName(first));
      refocus(ids[0]);
      if (!yes) return;
    }
    const list = view;
    let done = 0;
    for (const id of ids) {
      if (!queue || !queue.has(id)) continue;
      list.list.busy(id, true);
      list.list.error(id, '');
      try {
        const answer = await api.patchComment(id, CHANGES[action]);
        if (list !== view) return;
        applyComment(answer.comment);
        done += 1;
      } catch (error) {
        if (failed(error)) return;
        list.list.busy(id, false);
        list.list.error(id, messageOf(error));
      }
    }
    if (done) {
      shell.announce(ids.length === 1 ? `${DONE[action]} the comment by ${authorName(first)}.` : `${DONE[action]}: ${done} of ${ids.length} comments.`);
    }
    // A bulk button is disabled once nothing is selected: focus must not fall back to the page.
    const active = document.activeElement;
    if (list === view && (!active || active === document.body || active.disabled)) view.title.focus();
    refresh();
  }

  // A dialog gives focus back to what opened it; if a live refresh replaced that row meanwhile, to the row.
  function refocus(id) {
    const active = document.activeElement;
    if (view && (!active || active === document.body)) view.list.focus(id);
  }

  // A comment as an action left it: updated in place, or out of the list with focus on its neighbour.
  function applyComment(comment) {
    const hadFocus = view.list.focusedId() === comment.id;
    const neighbour = queue.neighbour(comment.id);
    const result = queue.apply(comment);
    view.update(queue);
    if (result === 'removed' && hadFocus) {
      if (!(neighbour && view.list.focus(neighbour))) view.title.focus();
    }
  }

  async function ban(comment) {
    const answer = await askBan(authorName(comment));
    refocus(comment.id);
    if (!answer || !queue) return;
    const list = view;
    list.list.busy(comment.id, true);
    try {
      const body = { site: comment.site, comment: comment.id, days: answer.days, purge: answer.purge };
      if (answer.reason) body.reason = answer.reason;
      await api.ban(body);
      shell.announce(`Banned ${authorName(comment)}.${answer.purge ? ' Their comments are marked as spam.' : ''}`);
    } catch (error) {
      if (failed(error)) return;
      list.list.error(comment.id, messageOf(error));
    } finally {
      list.list.busy(comment.id, false);
    }
    refresh();
  }

  // ---- bans and the log ------------------------------------------------------------------------------------

  async function showBans() {
    const mine = generation;
    const render = (state) => {
      if (mine !== generation) return;
      const focusTitle = shell.main.contains(document.activeElement) && document.activeElement.id === 'view-title';
      shell.main.replaceChildren(bansView({ bans: [], ...state, onLift: lift }));
      if (focusTitle) shell.main.querySelector('h2').focus();
    };
    let bans = [];
    async function lift(target) {
      try {
        await api.liftBan(target.id);
        bans = bans.filter((b) => b.id !== target.id);
        render({ bans });
        shell.main.querySelector('h2').focus();
        shell.announce('The ban is lifted.');
      } catch (error) {
        if (!failed(error)) render({ bans, error: messageOf(error) });
      }
    }
    render({ loading: true });
    refresh();
    try {
      bans = (await api.bans(route.site)).bans || [];
      render({ bans });
    } catch (error) {
      if (!failed(error)) render({ error: messageOf(error) });
    }
  }

  async function showLog() {
    const mine = generation;
    let entries = [];
    let next = null;
    const render = (state) => {
      if (mine !== generation) return;
      const focusTitle = document.activeElement && document.activeElement.id === 'view-title';
      shell.main.replaceChildren(logView({ entries, next, onMore: more, ...state }));
      if (focusTitle) shell.main.querySelector('h2').focus();
    };
    async function more() {
      try {
        const page = await api.log({ site: route.site, after: next || undefined, limit: PAGE });
        entries = [...entries, ...(page.entries || [])];
        next = page.next || null;
        render({});
      } catch (error) {
        if (!failed(error)) render({ error: messageOf(error) });
      }
    }
    render({ loading: true });
    refresh();
    await more();
  }

  // ---- live ------------------------------------------------------------------------------------------------

  function onStatus(state, { resumed }) {
    shell.setLive(state);
    if (state === 'live' && resumed) refresh();
  }

  function onFrame(frame) {
    if (route.site && frame.site !== route.site) return;
    if (frame.type === THREAD_FRAME) {
      if (view && view.lock && route.view === 'thread' && frame.thread.key === route.thread) view.lock.show(frame.thread);
      return;
    }
    refresh();
  }

  // ---- keyboard --------------------------------------------------------------------------------------------

  function onKey(event) {
    const action = shortcutOf(event);
    if (!action || !queue || !view) return;
    const current = view.list.focusedId();
    event.preventDefault();
    if (action === 'next' || action === 'previous') {
      const id = queue.step(current, action === 'next' ? 1 : -1);
      if (id) view.list.focus(id);
    } else if (action === 'search') {
      const field = shell.main.querySelector('#q');
      if (field) field.focus();
    } else if (!current) {
      shell.announce('Choose a comment first: press j to move to the first one.');
    } else if (action === 'select') {
      queue.toggle(current);
      view.update(queue);
      view.list.focus(current);
    } else if (action === 'thread') {
      const comment = queue.get(current);
      if (route.view !== 'thread' && comment.thread) openThread(comment);
    } else {
      act(action, [current]);
    }
  }

  boot();
}
