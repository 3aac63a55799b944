// The widget: thread, "Leave a Reply" form and live updates, rendered into an open shadow root.
import { createApi } from './api.js';
import { append, h, insertSanitizedCommentHtml, safeHref, setText } from './dom.js';
import { loadTranslator, translator } from './i18n.js';
import en from './lang/en.js';
import { LiveState } from './live.js';
import { MoreReplies } from './replies.js';
import { createSignIn } from './signin.js';
import { connectLive } from './socket.js';
import { draftKey, guestKey, keyValueStore, memoryStorage, tokenKey } from './storage.js';
import { exactTime, relativeTime } from './time.js';
import { Thread } from './tree.js';

/* global __PORCH_CSS__ */
const CSS = typeof __PORCH_CSS__ === 'string' ? __PORCH_CSS__ : '';
const MAX_INDENT = 4; // reply levels that indent; deeper replies line up with their parent
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
  const store = localStore();
  const auth = createSignIn({
    server,
    site: config.site,
    store,
    api: () => api,
    t: (key, vars) => t(key, vars),
    onChange: () => (guestBox.hidden = !auth.guestFields()),
  });
  const api = createApi(server, () => auth.headers());
  const draftId = draftKey(server, config.site, config.thread);
  let t = translator('en', null); // replaced once the language pack (if any) is loaded
  let lang = config.lang;
  let site = { max_length: 10000, edit_window: 0 };
  let thread = new Thread();
  let more = new MoreReplies();
  let live = new LiveState(0);
  let info = null;
  let next = null;
  let sort = config.sort;
  let count = 0;
  let replyTo = null;
  let connection = null;
  let destroyed = false;
  let formReady = false; // until the form is shown (and any draft restored), there is no draft to save
  const els = new Map();
  const deletedHere = new Set();

  const host = h('div', { class: 'porch-comments', 'data-theme': config.theme });
  const root = host.attachShadow({ mode: 'open' });
  place(host);

  // ---- the frame -------------------------------------------------------------------------------------------
  const heading = h('h2', { id: 'porch-heading', tabindex: '-1' });
  const newButton = h('button', { type: 'button', class: 'btn new', hidden: true, onclick: reveal });
  const status = h('span', { class: 'status', hidden: true });
  const sortSelect = h('select', { id: 'porch-sort', onchange: () => changeSort(sortSelect.value) });
  const sortLabel = h('label', { for: 'porch-sort' });
  const announcer = h('div', { class: 'sr', 'aria-live': 'polite' });
  const list = h('ol', { class: 'list' });
  const moreButton = h('button', { type: 'button', class: 'btn more', hidden: true, onclick: loadMore });
  const message = h('p', { class: 'note', role: 'status' });
  const formSlot = h('div');
  const section = h(
    'section',
    { class: 'porch', lang, 'aria-labelledby': 'porch-heading' },
    h('div', { class: 'bar' }, heading, status, h('span', { class: 'sort' }, sortLabel, sortSelect)),
    // "N new comments" floats over the thread (no layout space, so showing it moves nothing) and stays in view
    // while the reader is anywhere in the widget.
    h('div', { class: 'float' }, newButton),
    announcer,
    message,
    list,
    moreButton,
    formSlot,
  );
  root.append(h('style', null, CSS), section);

  // ---- the form ------------------------------------------------------------------------------------------
  const formTitle = h('h3', { id: 'porch-form-title' });
  const cancelButton = h('button', { type: 'button', class: 'link', hidden: true, onclick: () => cancelReply(true) });
  const text = h('textarea', { id: 'porch-text', name: 'text', required: true, rows: 5, oninput: saveDraft });
  const nameInput = h('input', { id: 'porch-name', name: 'name', required: true, autocomplete: 'name', oninput: saveGuest });
  const emailInput = h('input', { id: 'porch-email', name: 'email', type: 'email', autocomplete: 'email', oninput: saveGuest });
  const urlInput = h('input', { id: 'porch-url', name: 'url', type: 'url', autocomplete: 'url', oninput: saveGuest });
  const formError = h('p', { class: 'error', role: 'alert', id: 'porch-form-error' });
  const submitButton = h('button', { type: 'submit', class: 'btn primary' });
  const labels = {};
  const field = (key, input, hintKey) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: input.id }, (labels[key] = h('span')), hintKey && (labels[hintKey + key] = h('span', { class: 'hint' }))),
      input,
    );
  const guestBox = h(
    'div',
    { class: 'guest' },
    field('name', nameInput, 'required'),
    field('email', emailInput, 'emailHint'),
    field('website', urlInput, 'optional'),
  );
  const form = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'porch-form-title',
      onsubmit: submit,
      onkeydown: (event) => event.key === 'Escape' && replyTo && cancelReply(true),
    },
    h('div', { class: 'formhead' }, formTitle, cancelButton),
    field('comment', text),
    guestBox,
    formError,
    submitButton,
  );

  // ---- text ----------------------------------------------------------------------------------------------
  function applyTexts() {
    setHeading();
    setText(sortLabel, t('sortBy'));
    sortSelect.replaceChildren(...['oldest', 'newest', 'top'].map((s) => h('option', { value: s }, t(s))));
    sortSelect.value = sort;
    setText(moreButton, t('loadMore'));
    setText(cancelButton, t('cancelReply'));
    setText(submitButton, t('post'));
    for (const key of ['comment', 'name', 'email', 'website']) setText(labels[key], t(key));
    setText(labels.requiredname, ` (${t('required')})`);
    setText(labels.emailHintemail, ` (${t('emailHint')})`);
    setText(labels.optionalwebsite, ` (${t('optional')})`);
    setFormTitle();
  }

  function setHeading() {
    setText(heading, t('comments', { n: count }));
    const held = live.held.length;
    newButton.hidden = !held;
    if (held) setText(newButton, t('newComments', { n: held }));
  }

  function setFormTitle() {
    const parent = replyTo && thread.get(replyTo);
    setText(formTitle, parent ? t('replyTo', { name: authorName(parent) }) : t('leaveReply'));
    cancelButton.hidden = !parent;
  }

  function announce(words) {
    // Re-setting the same text would not be announced again; clear first.
    setText(announcer, '');
    setTimeout(() => setText(announcer, words), 50);
  }

  // " · via GitHub" for a signed-in author: the provider they signed in with (its id until the site info is in).
  function via(c) {
    const id = c.author && c.author.provider;
    const provider = id && (site.providers || []).find((p) => p.id === id);
    return id ? ` · ${t('via', { name: provider ? provider.name : id })}` : '';
  }

  function authorName(c) {
    return (c.author && c.author.name) || t('anonymous');
  }

  // ---- comments ------------------------------------------------------------------------------------------
  function ownToken(id) {
    const saved = store.get(tokenKey(server, id));
    return saved && saved.expires > Date.now() ? saved : null;
  }

  function timeElement(iso) {
    const when = Date.parse(iso);
    return h('time', { datetime: iso, title: exactTime(when, lang) }, relativeTime(when, Date.now(), lang));
  }

  function fillArticle(article, c) {
    const li = article.parentNode;
    article.replaceChildren();
    delete article.dataset.busy;
    if (li) delete li.dataset.own;
    if (c.status === 'deleted') {
      article.append(h('p', { class: 'gone' }, t('deleted')));
      return;
    }
    const name = authorName(c);
    const href = c.author && c.author.url && safeHref(c.author.url, server);
    const avatar = c.author && c.author.avatar && safeHref(c.author.avatar, server);
    const body = h('div', { class: 'body' });
    insertSanitizedCommentHtml(body, c.html || '');
    const actions = h('div', { class: 'actions' });
    if (!(info && info.locked)) {
      actions.append(
        h('button', { type: 'button', class: 'link', 'aria-label': t('replyToLabel', { name }), onclick: () => startReply(c.id) }, t('reply')),
      );
    }
    if (ownToken(c.id)) {
      if (li) li.dataset.own = '1';
      actions.append(
        h('button', { type: 'button', class: 'link', onclick: () => startEdit(c, article) }, t('edit')),
        h('button', { type: 'button', class: 'link', onclick: () => confirmDelete(c, actions) }, t('delete')),
      );
    }
    append(article, [
      h(
        'div',
        { class: 'head' },
        avatar
          ? h('img', { class: 'av', src: avatar, alt: '', width: 32, height: 32, loading: 'lazy', decoding: 'async' })
          : h('span', { class: 'av initial', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase()),
        href ? h('a', { class: 'name', href, rel: 'nofollow ugc noopener noreferrer' }, name) : h('span', { class: 'name' }, name),
        h('span', { class: 'meta' }, timeElement(c.created), via(c), c.edited ? ` · ${t('edited')}` : ''),
      ),
      body,
      c.status === 'pending' && h('p', { class: 'note' }, t('pending')),
      actions,
    ]);
  }

  // Whether a comment's replies get a list of their own (indented). Deeper replies follow their ancestor's item
  // in the list that holds it, so the DOM is never deeper than the indentation: thousands of nested lists crash
  // the browser's layout.
  const nests = (id) => thread.depth(id) + 1 < MAX_INDENT;
  const shown = (id) => els.has(id);

  // A comment and its replies as list items, depth first.
  function renderTree(id) {
    const items = document.createDocumentFragment();
    for (const x of [id, ...thread.ordered(id)]) {
      const c = thread.get(x);
      const article = h('article', { tabindex: '-1', 'aria-label': authorName(c), id: 'porch-c-' + x });
      const li = h('li', { class: 'c', 'data-id': x }, article, nests(x) && h('ol', { class: 'replies', hidden: !thread.children(x).length }));
      els.set(x, li);
      fillArticle(article, c);
      (x === id ? items : listFor(c.parent)).append(li);
    }
    return items;
  }

  function listFor(parent) {
    if (parent === null) return list;
    const li = els.get(parent);
    return nests(parent) ? li.querySelector(':scope > ol') : li.parentNode;
  }

  // Puts a comment already in `thread` (and its replies) into the DOM at its place.
  function placeNode(id) {
    const target = listFor(thread.get(id).parent);
    const after = thread.following(id, nests, shown);
    target.insertBefore(renderTree(id), after && els.get(after));
    target.hidden = false;
  }

  // Re-renders a comment from `thread`. An open editor or delete confirmation is left alone unless `force`:
  // a live update must never wipe what the reader is typing.
  function refresh(id, force) {
    const li = els.get(id);
    if (li && (force || !li.firstChild.dataset.busy)) fillArticle(li.firstChild, thread.get(id));
  }

  function removeNode(id, placeholder) {
    for (let x = id; x; placeholder = null) {
      const li = els.get(x);
      if (li && li.contains(form) && thread.children(x).length === 0) {
        const typing = root.activeElement;
        cancelReply(false);
        if (typing && form.contains(typing)) typing.focus({ preventScroll: true });
      }
      const parent = thread.get(x) && thread.get(x).parent;
      const outcome = thread.remove(x, placeholder);
      if (outcome === 'placeholder') refresh(x, true);
      if (outcome !== 'removed' || !li) return;
      li.remove();
      els.delete(x);
      // A placeholder left without replies has nothing more to show.
      const p = parent && thread.get(parent);
      x = p && p.status === 'deleted' && !thread.children(parent).length ? parent : null;
    }
  }

  // Keeps the comment at the top of the viewport where it is while `change` runs.
  function keepInPlace(change) {
    let anchor = null;
    let top = 0;
    // Top-level items first (cheap: off-screen ones are not laid out), then the first comment inside that starts
    // on screen.
    find: for (const item of list.children) {
      if (item.getBoundingClientRect().bottom <= 0) continue;
      for (const article of item.querySelectorAll('article')) {
        top = article.getBoundingClientRect().top;
        if (top >= 0) {
          anchor = article;
          break find;
        }
      }
    }
    change();
    if (anchor && anchor.isConnected) {
      const moved = anchor.getBoundingClientRect().top - top;
      if (moved) window.scrollBy(0, moved);
    }
  }

  // True when inserting at the comment's place moves nothing the reader can see (the place is below the viewport).
  function belowTheFold(c) {
    const where = thread.place(c, sort, next === null);
    const p = where.parent;
    // It goes before a sibling, or before what follows its parent's replies where they share a list (the top of
    // either is the insertion point), or at the end of its parent's item or list.
    const after = where.before || (p !== null && !nests(p) && thread.following(p, nests, shown));
    const target = after ? els.get(after) : p === null ? list : nests(p) ? els.get(p) : listFor(p);
    if (!target || !target.isConnected) return false;
    const rect = target.getBoundingClientRect();
    return (after ? rect.top : rect.bottom) >= window.innerHeight;
  }

  function addComment(c) {
    if (thread.insert(c, sort, true)) placeNode(c.id);
  }

  // ---- loading -------------------------------------------------------------------------------------------
  // The next page of top-level comments (with their replies), unless `query` asks for something else.
  function loadPage(query = { sort, limit: String(PAGE_SIZE), ...(next && { after: next }) }) {
    return api.comments({ site: config.site, thread: config.thread, ...query });
  }

  function showPage(page, first) {
    if (first) {
      info = page.thread;
      count = page.thread.count;
    }
    next = page.next;
    addComments(page.comments);
    more.addPage(page);
    for (const m of page.more_replies || []) showMoreReplies(m.root);
    moreButton.hidden = !next;
    setHeading();
  }

  // Adds comments from the API to the thread and the DOM; returns the ids that were new.
  function addComments(comments) {
    const added = thread.addPage(comments);
    const fresh = new Set(added);
    // New roots all go at the end: build them off-document and attach once.
    const roots = document.createDocumentFragment();
    for (const id of added) {
      const parent = thread.get(id).parent;
      if (parent === null) roots.append(renderTree(id));
      else if (!fresh.has(parent)) placeNode(id);
    }
    list.append(roots);
    return added;
  }

  // "Show N more replies" under a root whose replies were cut from its page, while any are left to load.
  function showMoreReplies(id) {
    const li = els.get(id);
    let button = li && li.querySelector(':scope > .more');
    const cut = more.get(id);
    if (!li || !cut) return button && button.remove();
    if (!button) {
      const show = (page) => {
        const focused = root.activeElement === button;
        const added = addComments(page.comments);
        more.loaded(id, page);
        showMoreReplies(id);
        // Gone with the last batch: focus goes on to the first reply it brought.
        if (focused && !button.isConnected && added.length) els.get(added[0]).firstChild.focus({ preventScroll: true });
      };
      li.append((button = h('button', { type: 'button', class: 'btn more', onclick: () => loadInto(button, { root: id, after: more.get(id).after }, show) })));
    }
    setText(button, t('moreReplies', { n: cut.count }));
  }

  // Loads a page for a "more" button (disabled meanwhile) and shows it, unless the thread was reloaded since.
  async function loadInto(button, query, show) {
    const shownThread = thread;
    button.disabled = true;
    try {
      const page = await loadPage(query);
      if (!destroyed && thread === shownThread) show(page);
    } catch (error) {
      setText(message, errorText(error));
    } finally {
      button.disabled = false;
    }
  }

  function loadMore() {
    loadInto(moreButton, undefined, (page) => showPage(page, false));
  }

  async function changeSort(value) {
    sort = value;
    cancelReply(false);
    thread = new Thread();
    more = new MoreReplies();
    els.clear();
    list.replaceChildren();
    live.release();
    next = null;
    try {
      showPage(await loadPage(), true);
    } catch (error) {
      setText(message, errorText(error));
    }
  }

  // ---- live ----------------------------------------------------------------------------------------------
  function onEvent(event) {
    if (!live.accept(event)) return;
    const c = event.comment;
    const action = live.classify(event, thread, sort, next === null);
    if (event.type === 'comment.created') {
      count += live.countNew(c);
      if (action !== 'update' && c.status === 'approved') announce(t(c.parent ? 'announceReply' : 'announce', { name: authorName(c) }));
    } else if (event.type === 'comment.deleted' && !deletedHere.has(c.id)) {
      const before = thread.get(c.id);
      if (!before || before.status === 'approved') count = Math.max(0, count - 1);
      deletedHere.add(c.id);
    }
    if (action === 'insert') {
      if (belowTheFold(c)) addComment(c);
      else live.hold(c);
    } else if (action === 'update') {
      keepInPlace(() => {
        thread.update(c);
        refresh(c.id);
      });
    } else if (action === 'remove') {
      keepInPlace(() => removeNode(c.id, c));
    }
    setHeading();
  }

  // Shows the comments held behind "N new comments", then moves focus to the first of them.
  function reveal() {
    const shown = live.release();
    for (const c of shown) {
      if (thread.has(c.id)) {
        thread.update(c);
        refresh(c.id);
      } else addComment(c);
    }
    setHeading();
    const first = shown.length && els.get(shown[0].id);
    if (first) {
      first.firstChild.focus({ preventScroll: true });
      first.scrollIntoView({ block: 'nearest' });
    }
  }

  // state: 'connecting' or 'live' (also readable by the host page as data-live on the widget's element).
  function setStatus(state) {
    host.dataset.live = state;
    status.hidden = state === 'live';
    setText(status, t('connecting'));
  }

  // ---- posting, editing, deleting ---------------------------------------------------------------------------
  function saveDraft() {
    if (!formReady) return;
    if (text.value) store.set(draftId, { text: text.value, parent: replyTo });
    else store.remove(draftId);
  }

  function saveGuest() {
    store.set(guestKey(server), { name: nameInput.value, email: emailInput.value, url: urlInput.value });
  }

  function errorText(error) {
    const code = (error && error.code) || 'unknown';
    const key = 'err_' + code;
    return key in en ? t(key, { n: site.max_length }) : t('err_unknown', { message: (error && error.message) || code });
  }

  const FIELD_FOR_CODE = { text_empty: text, text_too_long: text, name_required: nameInput, invalid_url: urlInput, invalid_email: emailInput };

  function showError(error) {
    for (const input of [text, nameInput, emailInput, urlInput]) input.removeAttribute('aria-invalid');
    setText(formError, error ? errorText(error) : '');
    const input = error && FIELD_FOR_CODE[error.code];
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', formError.id);
      input.focus();
    }
  }

  function startReply(id, focus = true) {
    const li = els.get(id);
    if (!li) return;
    replyTo = id;
    li.firstChild.after(form);
    setFormTitle();
    saveDraft();
    if (focus) text.focus();
  }

  function cancelReply(focusBack) {
    const id = replyTo;
    replyTo = null;
    formSlot.append(form);
    setFormTitle();
    saveDraft();
    const li = id && els.get(id);
    if (focusBack && li) li.firstChild.querySelector('.actions button').focus();
  }

  async function submit(event) {
    event.preventDefault();
    if (submitButton.disabled) return;
    const guest = auth.guestFields();
    if (!text.value.trim()) return showError({ code: 'text_empty' });
    if (guest && !nameInput.value.trim()) return showError({ code: 'name_required' });
    const body = { site: config.site, thread: config.thread, text: text.value, title: config.title, url: config.url };
    if (replyTo) body.parent = replyTo;
    if (guest) {
      body.author = { name: nameInput.value.trim() };
      if (emailInput.value.trim()) body.author.email = emailInput.value.trim();
      if (urlInput.value.trim()) body.author.url = urlInput.value.trim();
    }
    submitButton.disabled = true;
    setText(submitButton, t('posting'));
    try {
      const { comment, edit_token: token } = await api.post(body);
      if (destroyed) return;
      if (token) store.set(tokenKey(server, comment.id), { token, text: body.text, expires: Date.now() + site.edit_window * 1000 });
      text.value = '';
      showError(null);
      cancelReply(false);
      saveDraft();
      count += live.countNew(comment);
      live.unhold(comment.id);
      if (thread.has(comment.id)) {
        thread.update(comment);
        refresh(comment.id);
      } else addComment(comment);
      setHeading();
      const li = els.get(comment.id);
      if (li) {
        li.firstChild.focus({ preventScroll: true });
        li.scrollIntoView({ block: 'nearest' });
      }
      announce(t('posted'));
    } catch (error) {
      auth.failed(error);
      showError(error); // the text stays in the box
    } finally {
      submitButton.disabled = false;
      setText(submitButton, t('post'));
    }
  }

  function startEdit(c, article) {
    const saved = ownToken(c.id);
    if (!saved) return refresh(c.id, true);
    const id = 'porch-edit-' + c.id;
    const box = h('textarea', { id, rows: 4 });
    box.value = saved.text || '';
    const error = h('p', { class: 'error', role: 'alert' });
    const cancel = () => {
      refresh(c.id, true);
      article.focus();
    };
    const editor = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const { comment } = await api.edit(c.id, box.value, saved.token);
            store.set(tokenKey(server, c.id), { ...saved, text: box.value });
            thread.update(comment);
            refresh(c.id, true);
            article.focus();
          } catch (failure) {
            setText(error, errorText(failure));
          }
        },
      },
      h('div', { class: 'field' }, h('label', { for: id }, t('editLabel')), box),
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'btn primary' }, t('save')),
        h('button', { type: 'button', class: 'btn', onclick: cancel }, t('cancel')),
      ),
    );
    const actions = article.lastChild;
    article.dataset.busy = '1';
    article.querySelector('.body').replaceWith(editor);
    actions.hidden = true;
    box.focus();
  }

  function confirmDelete(c, actions) {
    const saved = ownToken(c.id);
    if (!saved) return refresh(c.id, true);
    const error = h('span', { class: 'error', role: 'alert' });
    const keep = h('button', { type: 'button', class: 'btn', onclick: () => refresh(c.id, true) }, t('keep'));
    const yes = h(
      'button',
      {
        type: 'button',
        class: 'btn',
        onclick: async () => {
          try {
            await api.remove(c.id, saved.token);
            store.remove(tokenKey(server, c.id));
            if (!deletedHere.has(c.id)) {
              deletedHere.add(c.id);
              count = Math.max(0, count - 1);
            }
            removeNode(c.id);
            setHeading();
            heading.focus(); // the comment (and the focused button) may be gone
          } catch (failure) {
            setText(error, errorText(failure));
          }
        },
      },
      t('delete'),
    );
    actions.parentNode.dataset.busy = '1';
    actions.replaceChildren(h('span', null, t('confirmDelete')), yes, keep, error);
    keep.focus();
  }

  // ---- start and stop -------------------------------------------------------------------------------------
  function tick() {
    for (const time of root.querySelectorAll('time[datetime]')) setText(time, relativeTime(Date.parse(time.dateTime), Date.now(), lang));
    for (const [id, li] of els) if (li.dataset.own && !ownToken(id)) refresh(id);
  }
  const ticker = setInterval(tick, TICK_MS);
  addEventListener('pagehide', saveDraft);

  async function start() {
    setText(message, '');
    const siteRequest = api.site(config.site).catch(() => null);
    const pageRequest = loadPage();
    try {
      t = await loadTranslator(lang, server);
      applyTexts();
      setText(message, t('loading'));
      const page = await pageRequest;
      if (destroyed) return;
      setText(message, '');
      live = new LiveState(page.thread.seq || 0);
      showPage(page, true);
      site = (await siteRequest) || site;
      if (destroyed) return;
      if (info.locked) setText(message, t('closed'));
      else showForm();
      connection = connectLive({
        server,
        site: config.site,
        thread: config.thread,
        getSeq: () => live.seq,
        onEvent,
        onStatus: setStatus,
      });
    } catch (error) {
      setText(message, `${t('loadFailed')} ${errorText(error)}`);
      message.append(' ', h('button', { type: 'button', class: 'btn', onclick: start }, t('retry')));
    }
  }

  function showForm() {
    store.pruneTokens(server, Date.now());
    auth.slot(site, (element) => form.insertBefore(element, guestBox));
    guestBox.hidden = !auth.guestFields();
    const guest = store.get(guestKey(server));
    if (guest) {
      nameInput.value = guest.name || '';
      emailInput.value = guest.email || '';
      urlInput.value = guest.url || '';
    }
    formSlot.append(form);
    formReady = true;
    const draft = store.get(draftId);
    if (draft && draft.text) {
      text.value = draft.text;
      if (draft.parent && els.has(draft.parent)) startReply(draft.parent, false);
    }
  }

  start();

  return {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      saveDraft();
      clearInterval(ticker);
      removeEventListener('pagehide', saveDraft);
      if (connection) connection.close();
      auth.destroy();
      host.remove();
    },
  };
}
