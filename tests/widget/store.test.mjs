import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyValueStore, memoryStorage, tokenKey } from '../../widget/src/storage.js';
import { createStore } from '../../widget/src/store.js';
import { comment, page } from './_dom.mjs';

const SERVER = 'https://c.example/';

function setup(sort = 'oldest') {
  const keep = keyValueStore(memoryStorage());
  const store = createStore({ sort, server: SERVER, keep });
  const seen = [];
  store.subscribe((...change) => seen.push(change));
  return { store, keep, seen, state: store.state };
}

const created = (seq, c) => ({ type: 'comment.created', seq, comment: c });
const quiet = () => true;
const busy = () => false;

test('a page: its comments join the thread, subscribers hear which, each after its parent', () => {
  const { store, seen, state } = setup();
  const a = comment('a');
  const b = comment('b', 'a');
  store.loaded(page([b, a], { next: 'CUR', more_replies: [{ root: 'a', after: 'R1', count: 150 }] }), true);
  assert.deepEqual(seen, [['add', ['a', 'b']], ['more', 'a'], ['count']]);
  assert.equal(state.count, 2);
  assert.equal(state.next, 'CUR');
  assert.equal(state.live.seq, 5);
  assert.deepEqual(state.more.get('a'), { after: 'R1', count: 150 });
});

test('a live comment goes in when that moves nothing the reader sees, else waits behind "N new"', () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a')]), true);
  seen.length = 0;
  store.event(created(6, comment('b')), quiet);
  assert.deepEqual(seen, [['new', state.thread.get('b')], ['add', ['b']], ['count']]);
  assert.equal(state.count, 2);
  store.event(created(7, comment('c')), busy);
  assert.equal(state.thread.has('c'), false);
  assert.deepEqual(state.live.held.map((c) => c.id), ['c']);
  store.event(created(7, comment('c')), quiet); // a replayed seq changes nothing
  assert.equal(state.count, 3);
  seen.length = 0;
  assert.deepEqual(store.reveal().map((c) => c.id), ['c']);
  assert.deepEqual(seen, [['add', ['c']], ['count']]);
  assert.equal(state.live.held.length, 0);
});

test('live updates and deletions say they came live; a deleted comment with replies stays as a placeholder', () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a'), comment('b', 'a'), comment('c')]), true);
  seen.length = 0;
  store.event({ type: 'comment.updated', seq: 6, comment: { ...state.thread.get('c'), html: '<p>new</p>' } }, quiet);
  assert.deepEqual(seen[0], ['update', 'c', true, undefined]);
  seen.length = 0;
  store.event({ type: 'comment.deleted', seq: 7, comment: { ...state.thread.get('a'), status: 'deleted', html: '' } }, quiet);
  assert.deepEqual(seen[0], ['update', 'a', true, true]);
  assert.equal(state.thread.get('a').status, 'deleted');
  assert.equal(state.count, 2);
  // Its last reply goes: so does the placeholder.
  seen.length = 0;
  store.event({ type: 'comment.deleted', seq: 8, comment: { ...state.thread.get('b'), status: 'deleted' } }, quiet);
  assert.deepEqual(seen.slice(0, 2), [['remove', 'b', true], ['remove', 'a', true]]);
  assert.equal(state.count, 1);
});

test('replying to a comment that is deleted ends the reply before the comment leaves', () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a')]), true);
  store.reply('a');
  seen.length = 0;
  store.event({ type: 'comment.deleted', seq: 6, comment: { ...state.thread.get('a'), status: 'deleted' } }, quiet);
  assert.deepEqual(seen.slice(0, 2), [['replyTo'], ['remove', 'a', true]]);
  assert.equal(state.replyTo, null);
});

test('posting: a guest keeps the edit token for the edit window; the live echo is no duplicate', () => {
  const { store, keep, state } = setup();
  store.loaded(page([]), true);
  store.site({ edit_window: 900, max_length: 100 });
  const mine = comment('m');
  store.posted(mine, 'TOKEN', 'my text');
  assert.equal(state.count, 1);
  assert.equal(store.token('m').token, 'TOKEN');
  assert.equal(store.token('m').text, 'my text');
  store.event(created(6, mine), quiet);
  assert.equal(state.count, 1);
  assert.deepEqual(state.thread.children(), ['m']);
  // The window closes: no token any more (storage.js prunes it later).
  keep.set(tokenKey(SERVER, 'm'), { ...keep.get(tokenKey(SERVER, 'm')), expires: Date.now() - 1 });
  assert.equal(store.token('m'), null);
});

test('edits and deletions by the reader force a redraw and count once', () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a')]), true);
  store.site({ edit_window: 900 });
  store.posted(comment('m'), 'T', 'x');
  seen.length = 0;
  store.edited({ ...state.thread.get('m'), html: '<p>y</p>' }, 'y');
  assert.deepEqual(seen, [['update', 'm', false, true]]);
  assert.equal(store.token('m').text, 'y');
  store.deleted('m');
  assert.equal(state.count, 1);
  assert.equal(store.token('m'), null);
  store.event({ type: 'comment.deleted', seq: 6, comment: { ...comment('m'), status: 'deleted' } }, quiet);
  assert.equal(state.count, 1, 'the echo of our own delete is not counted again');
});

test('a new sort empties the thread and ends any reply; the live seq goes on', () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a')], { next: 'N' }), true);
  store.reply('a');
  seen.length = 0;
  store.resort('newest');
  assert.deepEqual(seen, [['replyTo'], ['reset']]);
  assert.equal(state.sort, 'newest');
  assert.equal(state.thread.has('a'), false);
  assert.equal(state.next, null);
  assert.equal(state.live.seq, 5);
});

test('a thread.updated frame changes the thread facts and says so', () => {
  const { store, seen, state } = setup();
  store.loaded(page([]), true);
  seen.length = 0;
  store.event({ type: 'thread.updated', seq: 6, thread: { locked: true } }, quiet);
  assert.deepEqual(seen, [['thread']]);
  assert.equal(state.info.locked, true);
  assert.equal(state.info.count, 0, 'what the frame does not name is kept');
});

test('the signed-in user and the live status are state with their own notifications', () => {
  const { store, seen, state } = setup();
  store.user({ name: 'Ada' });
  store.status('live');
  assert.deepEqual(seen, [['user'], ['status']]);
  assert.equal(state.user.name, 'Ada');
  assert.equal(state.status, 'live');
});

test("a guest's comment held for moderation is remembered for this thread, shown, and not counted", () => {
  const { store, seen, state } = setup();
  store.loaded(page([comment('a')]), true);
  store.site({ edit_window: 900 });
  seen.length = 0;
  store.posted(comment('h', null, { status: 'pending' }), 'TOK', 'held text');
  assert.deepEqual(store.held(), [{ id: 'h', token: 'TOK' }]);
  assert.deepEqual(seen, [['add', ['h']], ['count']]);
  assert.equal(state.count, 1, 'only approved comments count');
  // A signed-in author's (no token) is not remembered here: the server lists those.
  store.posted(comment('s', null, { status: 'pending' }), null, 'x');
  assert.deepEqual(store.held().map((x) => x.id), ['h']);
  // Read again after a reload: it goes at its place, once.
  const fresh = setup();
  fresh.store.loaded(page([comment('a')]), true);
  fresh.store.pending(comment('h', null, { status: 'pending' }));
  fresh.store.pending(comment('h', null, { status: 'pending' }));
  assert.deepEqual(fresh.state.thread.children(), ['a', 'h']);
  assert.equal(fresh.state.count, 1);
  // Approved live: the same comment, now public and counted.
  fresh.store.event({ type: 'comment.created', seq: 6, comment: comment('h') }, quiet);
  assert.deepEqual(fresh.state.thread.children(), ['a', 'h']);
  assert.equal(fresh.state.thread.get('h').status, 'approved');
  assert.equal(fresh.state.count, 2);
});
