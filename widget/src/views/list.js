// The thread list: a comment and its replies as list items, nested up to MAX_INDENT levels and in line below
// that; the "Load more comments" button and the sort control (what they do, and "Show N more replies", is
// views/paging.js, loaded on demand).
// It follows the store, and keeps the reader's place when a live change lands above what they read.
import { h, setText } from '../dom.js';
import { relativeTime } from '../time.js';
import { authorName, fillComment } from './comment.js';

const MAX_INDENT = 4; // reply levels that indent; deeper replies line up with their parent

/** ctx: see comment.js. */
export function createList(ctx) {
  const { store, state, t } = ctx;
  const els = new Map(); // comment id → its <li>
  const list = h('ol', { class: 'list' });
  const moreButton = h('button', { type: 'button', class: 'btn more', hidden: true, onclick: () => ctx.extra('loadMore', moreButton) }, t('loadMore'));
  const sortSelect = h(
    'select',
    { id: 'porch-sort', onchange: () => ctx.extra('sortBy', sortSelect.value) },
    ['oldest', 'newest', 'top'].map((sort) => h('option', { value: sort, selected: sort === state.sort }, t(sort))),
  );

  // Whether a comment's replies get a list of their own (indented). Deeper replies follow their ancestor's item
  // in the list that holds it, so the DOM is never deeper than the indentation: thousands of nested lists crash
  // the browser's layout.
  const nests = (id) => state.thread.depth(id) + 1 < MAX_INDENT;
  const shown = (id) => els.has(id);

  // A comment and its replies as list items, depth first.
  function renderTree(id) {
    const { thread } = state;
    const items = document.createDocumentFragment();
    for (const x of [id, ...thread.ordered(id)]) {
      const c = thread.get(x);
      const article = h('article', { tabindex: '-1', 'aria-label': authorName(c, t), id: 'porch-c-' + x });
      const li = h('li', { class: 'c', 'data-id': x }, article, nests(x) && h('ol', { class: 'replies', hidden: !thread.children(x).length }));
      els.set(x, li);
      fillComment(article, c, ctx);
      (x === id ? items : listFor(c.parent)).append(li);
    }
    return items;
  }

  function listFor(parent) {
    if (parent === null) return list;
    const li = els.get(parent);
    return nests(parent) ? li.querySelector(':scope > ol') : li.parentNode;
  }

  // Puts comments already in the thread (with their replies) into the DOM at their places. Roots that go at
  // the end (a page's) are built off-document and attached at once.
  function place(ids) {
    const { thread } = state;
    const fresh = new Set(ids);
    const roots = document.createDocumentFragment();
    for (const id of ids) {
      const { parent } = thread.get(id);
      if (fresh.has(parent)) continue; // drawn with its parent
      const after = thread.following(id, nests, shown);
      if (parent === null && !after) roots.append(renderTree(id));
      else {
        const target = listFor(parent);
        target.insertBefore(renderTree(id), after && els.get(after));
        target.hidden = false;
      }
    }
    list.append(roots);
  }

  // Redraws a comment. An open editor or delete confirmation is left alone unless `force`: a live update must
  // never wipe what the reader is typing.
  function refresh(id, force) {
    const li = els.get(id);
    if (li && (force || !li.firstChild.dataset.busy)) fillComment(li.firstChild, state.thread.get(id), ctx);
  }

  function drop(id) {
    const li = els.get(id);
    if (li) li.remove();
    els.delete(id);
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
  function quiet(c) {
    const { thread } = state;
    const where = thread.place(c, state.sort, state.next === null);
    const p = where.parent;
    // It goes before a sibling, or before what follows its parent's replies where they share a list (the top of
    // either is the insertion point), or at the end of its parent's item or list.
    const after = where.before || (p !== null && !nests(p) && thread.following(p, nests, shown));
    const target = after ? els.get(after) : p === null ? list : nests(p) ? els.get(p) : listFor(p);
    if (!target || !target.isConnected) return false;
    const rect = target.getBoundingClientRect();
    return (after ? rect.top : rect.bottom) >= window.innerHeight;
  }


  store.subscribe((change, a, live, force) => {
    if (change === 'add') place(a);
    else if (change === 'update') live ? keepInPlace(() => refresh(a, force)) : refresh(a, force);
    else if (change === 'remove') live ? keepInPlace(() => drop(a)) : drop(a);
    else if (change === 'more') ctx.extra('more', a);
    else if (change === 'count') moreButton.hidden = !state.next;
    else if (change === 'thread') els.forEach((li, id) => refresh(id)); // Reply goes or comes back with a lock
    else if (change === 'reset') {
      els.clear();
      list.replaceChildren();
    }
  });

  return {
    list,
    moreButton,
    sort: h('span', { class: 'sort' }, h('label', { for: 'porch-sort' }, t('sortBy')), sortSelect),
    quiet,
    refresh,
    // Every so often: relative times move on, and edit windows close.
    tick() {
      for (const time of list.querySelectorAll('time[datetime]')) setText(time, relativeTime(Date.parse(time.dateTime), Date.now(), ctx.config.lang));
      for (const [id, li] of els) if (li.dataset.own && !store.token(id)) refresh(id);
    },
  };
}
