// The widget: thread, "Leave a Reply" form and live updates, rendered into an open shadow root. This is the
// wiring: the state lives in store.js, and each part of the widget is a view (views/) that follows it.
import { createApi } from './api.js';
import { h, setText } from './dom.js';
import { errorText, loadTranslator, translator } from './i18n.js';
import { loadExtras } from './load.js';
import { createSignIn } from './signin.js';
import { connectLive } from './socket.js';
import { heldKey, keyValueStore, memoryStorage } from './storage.js';
import { createStore } from './store.js';
import { createComposer } from './views/composer.js';
import { createList } from './views/list.js';
import { createStatus } from './views/status.js';

/* global __PORCH_CSS__ */
const CSS = typeof __PORCH_CSS__ === 'string' ? __PORCH_CSS__ : '';
const PAGE_SIZE = 200; // top-level comments per request (the API maximum): a 200-comment thread paints from one request
const TICK_MS = 30000; // refresh relative times and close edit windows

function localStore() {
  try {
    return keyValueStore(window.localStorage || memoryStorage());
  } catch {
    return keyValueStore(memoryStorage());
  }
}

/**
 * Renders the widget for `config` (see config.js) into a new host element that `place(host)` puts into the page.
 * Returns {destroy()}.
 */
export function mountWidget(config, place) {
  const { server } = config;
  const keep = localStore();
  const store = createStore({ sort: config.sort, server, keep, held: heldKey(server, config.site, config.thread) });
  const { state } = store;
  let list, composer, status; // the views, made once the reader's words are in
  let connection = null;
  const auth = createSignIn({ server, site: config.site, store: keep, api: () => api, t: (key, vars) => ctx.t(key, vars), onChange: () => {
      composer.guests();
      store.user(auth.user());
    },
  });
  const api = createApi(server, () => auth.headers());
  const host = h('div', { class: 'porch-comments', 'data-theme': config.theme });
  const root = host.attachShadow({ mode: 'open' });
  const message = h('p', { class: 'note', role: 'status' });
  const words = loadTranslator(config.lang, server);
  // What the views share.
  const ctx = {
    store,
    state,
    api,
    config,
    root,
    t: translator('en', null), // the language pack's, once it is loaded
    errorText: (error) => errorText(ctx.t, error, state.site.max_length),
    say: (text) => setText(message, text),
    announce: (text) => status.announce(text),
    reply: (id) => composer.reply(id),
    refresh: (id, force) => list.refresh(id, force),
    // Runs part `name` of static/extras.js (extras-entry.js), loading it first; only from the widget's own server.
    extra: (name, ...args) =>
      loadExtras(server).then(
        (parts) => parts[name](ctx, ...args),
        (error) => ctx.say(ctx.errorText({ code: 'network', message: error.message })),
      ),
    // The next page of top-level comments (with their replies), unless `query` asks for something else.
    load: (query = { sort: state.sort, limit: String(PAGE_SIZE), ...(state.next && { after: state.next }) }) =>
      api.comments({ site: config.site, thread: config.thread, ...query }),
  };
  // The signed-in reader's own comments that await moderation, and a moderator's tools (views/mine.js); signing
  // out takes the tools away.
  store.subscribe((change) => change === 'user' && (state.user || ctx.tools) && ctx.extra('mine'));
  place(host);
  root.append(h('style', null, CSS));

  function build() {
    list = createList(ctx);
    composer = createComposer(ctx, auth, keep);
    status = createStatus(ctx, host, reveal);
    root.append(
      h(
        'section',
        { class: 'porch', lang: config.lang, 'aria-labelledby': 'porch-heading' },
        h('div', { class: 'bar' }, status.heading, status.status, list.sort),
        // "N new comments" floats over the thread (no layout space, so showing it moves nothing) and stays in
        // view while the reader is anywhere in the widget.
        h('div', { class: 'float' }, status.newButton),
        status.announcer,
        message,
        list.list,
        list.moreButton,
        composer.slot,
      ),
    );
  }

  // Shows the comments held behind "N new comments", then moves focus to the first of them.
  function reveal() {
    const shown = store.reveal();
    const first = shown.length && root.getElementById('porch-c-' + shown[0].id);
    if (first) {
      first.focus({ preventScroll: true });
      first.parentNode.scrollIntoView({ block: 'nearest' });
    }
  }

  const saveDraft = () => composer && composer.saveDraft();
  const ticker = setInterval(() => list && list.tick(), TICK_MS);
  addEventListener('pagehide', saveDraft);

  async function start() {
    ctx.say('');
    const siteRequest = api.site(config.site).catch(() => null);
    const pageRequest = ctx.load();
    try {
      if (!list) {
        ctx.t = await words;
        build();
      }
      ctx.say(ctx.t('loading'));
      const page = await pageRequest;
      if (ctx.destroyed) return;
      ctx.say('');
      store.loaded(page, true);
      store.site((await siteRequest) || state.site);
      if (ctx.destroyed) return;
      composer.open();
      store.user(auth.user());
      // A guest's comments that await moderation, seen again through their edit tokens.
      if (!state.user && store.held().length) ctx.extra('mine');
      connection = connectLive({
        server,
        site: config.site,
        thread: config.thread,
        getSeq: () => state.live.seq,
        onEvent: (event) => store.event(event, list.quiet),
        onStatus: store.status,
      });
    } catch (error) {
      ctx.say(`${ctx.t('loadFailed')} ${ctx.errorText(error)}`);
      message.append(' ', h('button', { type: 'button', class: 'btn', onclick: start }, ctx.t('retry')));
    }
  }

  start();

  return {
    destroy() {
      if (ctx.destroyed) return;
      ctx.destroyed = true;
      saveDraft();
      clearInterval(ticker);
      removeEventListener('pagehide', saveDraft);
      if (connection) connection.close();
      auth.destroy();
      host.remove();
    },
  };
}
