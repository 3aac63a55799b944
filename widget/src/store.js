// The widget's state, without any DOM: the thread as a tree with its sort and cursors, the count, the live
// state (newest seq, comments held behind "N new comments"), the thread's facts (locked), the comment being
// replied to, the signed-in user and the reader's own edit tokens. It changes only through the actions below;
// each tells the subscribers what changed, as subscribe((change, a, b, c) => ...) with change one of
//   'add'     a: ids new in the thread, each after its parent         'reset'  the thread was emptied (a new sort)
//   'update'  a: id, b: live, c: force: that comment changed          'remove' a: id, b: live: it left the thread
//   'more'    a: a root whose "more replies" changed                  'new'    a: a comment that came live
//   'count' (the count or the held comments), 'thread', 'replyTo', 'site', 'user', 'status' (read the state)
import { LiveState } from './live.js';
import { MoreReplies } from './replies.js';
import { tokenKey } from './storage.js';
import { Thread } from './tree.js';

/**
 * `keep` is the host page's storage (storage.js keyValueStore), where the edit tokens live; `held` the key there
 * of this thread's comments of the reader's that await moderation (storage.js heldKey).
 */
export function createStore({ sort, server, keep, held }) {
  const listeners = [];
  const deletedHere = new Set(); // comments whose deletion is already counted
  const state = {
    sort,
    thread: new Thread(),
    more: new MoreReplies(),
    live: new LiveState(0),
    next: null, // cursor of the next page of top-level comments; null once they are all loaded
    count: 0,
    info: null, // the thread as the API shows it: {count, locked, seq, ...}
    site: { max_length: 10000, edit_window: 0 },
    replyTo: null,
    user: null,
    status: 'connecting',
  };
  const emit = (...change) => listeners.forEach((listener) => listener(...change));
  // An action that sets state[key] and says so under the same name.
  const setter = (key) => (value) => {
    state[key] = value;
    emit(key);
  };

  // Adds one API page of comments (or of one root's replies) to the thread.
  function addPage(page) {
    const added = state.thread.addPage(page.comments);
    emit('add', added);
    return added;
  }

  function insert(c) {
    if (state.thread.insert(c, state.sort, true)) emit('add', [c.id]);
  }

  // `live`: it came from the live channel (keep the reader's place); `force`: redraw even a comment whose editor
  // is open (otherwise a redraw never wipes what the reader is typing).
  function update(c, live, force) {
    state.thread.update(c);
    emit('update', c.id, live, force);
  }

  function countDeleted(id) {
    if (deletedHere.has(id)) return;
    deletedHere.add(id);
    const before = state.thread.get(id);
    if (!before || before.status === 'approved') state.count = Math.max(0, state.count - 1);
  }

  // Takes a deleted comment out: one with replies stays as a placeholder, and a placeholder left without
  // replies goes too. Replying to a comment that goes ends the reply first.
  function remove(id, placeholder, live) {
    const { thread } = state;
    for (let x = id; x; placeholder = null) {
      if (x === state.replyTo && !thread.children(x).length) store.reply(null);
      const parent = thread.get(x) && thread.get(x).parent;
      const outcome = thread.remove(x, placeholder);
      if (outcome === 'placeholder') emit('update', x, live, true);
      if (outcome !== 'removed') return;
      emit('remove', x, live);
      const p = parent && thread.get(parent);
      x = p && p.status === 'deleted' && !thread.children(parent).length ? parent : null;
    }
  }

  const store = {
    state,
    subscribe(listener) {
      listeners.push(listener);
    },

    /**
     * A page of top-level comments (with their replies); `first` after a (re)load: the thread's facts and
     * count, and the first time the seq to follow live from.
     */
    loaded(page, first) {
      if (first) {
        if (!state.info) state.live = new LiveState(page.thread.seq || 0);
        state.count = (state.info = page.thread).count;
      }
      state.next = page.next;
      addPage(page);
      state.more.addPage(page);
      for (const m of page.more_replies || []) emit('more', m.root);
      emit('count');
    },

    /** A batch of one root's replies ("Show N more replies"); returns the ids it added. */
    replies(root, page) {
      const added = addPage(page);
      state.more.loaded(root, page);
      emit('more', root);
      return added;
    },

    /** Another sort: the thread starts again, empty. */
    resort(sort) {
      state.sort = sort;
      store.reply(null);
      state.thread = new Thread();
      state.more = new MoreReplies();
      state.live.release();
      state.next = null;
      emit('reset');
    },

    /**
     * A live event. `quiet(comment)` tells whether inserting a new comment now would move nothing the reader
     * sees; if not, it waits behind "N new comments".
     */
    event(event, quiet) {
      const { live } = state;
      if (!live.accept(event)) return;
      if (event.type === 'thread.updated') return store.thread(event.thread);
      const c = event.comment;
      const action = live.classify(event, state.thread, state.sort, state.next === null);
      if (event.type === 'comment.created') {
        state.count += live.countNew(c);
        if (action !== 'update' && c.status === 'approved') emit('new', c);
      } else if (event.type === 'comment.deleted') countDeleted(c.id);
      if (action === 'insert') quiet(c) ? insert(c) : live.hold(c);
      else if (action === 'update') update(c, true);
      else if (action === 'remove') remove(c.id, c, true);
      emit('count');
    },

    /** Shows the comments held behind "N new comments"; returns them. */
    reveal() {
      const shown = state.live.release();
      for (const c of shown) state.thread.has(c.id) ? update(c) : insert(c);
      emit('count');
      return shown;
    },

    /** The thread's facts changed (locked or unlocked). */
    thread(info) {
      state.info = { ...state.info, ...info };
      emit('thread');
    },

    /**
     * The reader posted `comment`; `token` (a guest's) lets them edit it for the site's edit window, and see it
     * after a reload while it awaits moderation.
     */
    posted(comment, token, text) {
      if (token) {
        keep.set(tokenKey(server, comment.id), { token, text, expires: Date.now() + state.site.edit_window * 1000 });
        if (comment.status === 'pending') store.held([...store.held(), { id: comment.id, token }]);
      }
      state.count += state.live.countNew(comment);
      state.live.unhold(comment.id);
      state.thread.has(comment.id) ? update(comment) : insert(comment);
      emit('count');
    },

    /** The reader changed their comment. */
    edited(comment, text) {
      const saved = store.token(comment.id);
      if (saved) keep.set(tokenKey(server, comment.id), { ...saved, text });
      update(comment, false, true);
    },

    /** The reader deleted their comment. */
    deleted(id) {
      keep.remove(tokenKey(server, id));
      countDeleted(id);
      remove(id);
      emit('count');
    },

    /** The reader's edit token of comment `id` while its edit window is open: {token, text, expires}, or null. */
    token(id) {
      const saved = keep.get(tokenKey(server, id));
      return saved && saved.expires > Date.now() ? saved : null;
    },

    /** This thread's comments of the reader's that await moderation, [{id, token}]; with `list`, they become that. */
    held(list) {
      return list ? keep.set(held, list) : keep.get(held) || [];
    },

    /** The reader's own comment that awaits moderation, read again (after a reload): it goes at its place. */
    pending(c) {
      insert(c);
    },

    /** The comment the form replies to (null: the thread). */
    reply: setter('replyTo'),
    /** The site as GET /api/v1/sites/SITE shows it. */
    site: setter('site'),
    /** The signed-in user ({name, provider, url, avatar}) or null; subscribers hear of a change only. */
    user(user) {
      if (JSON.stringify(user) !== JSON.stringify(state.user)) setter('user')(user);
    },
    /** The live connection: 'connecting' or 'live'. */
    status: setter('status'),
  };
  return store;
}
