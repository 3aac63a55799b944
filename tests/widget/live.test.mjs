import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_MAX_MS, LiveState, backoffDelay, liveUrl } from '../../widget/src/live.js';
import { Thread } from '../../widget/src/tree.js';

let clock = 0;
function comment(id, parent = null, extra = {}) {
  clock += 1;
  return {
    id, parent, author: { name: id }, html: `<p>${id}</p>`, status: 'approved', score: 0, edited: null,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), ...extra,
  };
}
const created = (seq, c) => ({ type: 'comment.created', seq, thread: '/t', comment: c });
const updated = (seq, c) => ({ type: 'comment.updated', seq, thread: '/t', comment: c });
const deleted = (seq, c) => ({ type: 'comment.deleted', seq, thread: '/t', comment: c });

test('events at or below the newest seq seen are dropped (replay overlap, duplicates)', () => {
  const live = new LiveState(10);
  assert.equal(live.accept(created(10, comment('a'))), false, 'the read already contained seq 10');
  assert.equal(live.accept(created(11, comment('b'))), true);
  assert.equal(live.accept(created(11, comment('b'))), false);
  assert.equal(live.accept(created(12, comment('c'))), true);
  assert.equal(live.accept(created(9, comment('old'))), false);
  assert.equal(live.accept({ type: 'comment.created' }), false, 'no seq');
  assert.equal(live.seq, 12);
});

test('classify: what each event does to the thread', () => {
  const thread = new Thread();
  const a = comment('a');
  thread.addPage([a, comment('b')]);
  const live = new LiveState(0);
  assert.equal(live.classify(created(1, comment('r', 'a')), thread, 'oldest', true), 'insert');
  assert.equal(live.classify(created(2, a), thread, 'oldest', true), 'update', 'own comment already shown');
  assert.equal(live.classify(created(3, comment('z')), thread, 'oldest', false), 'skip', 'belongs on a later page');
  assert.equal(live.classify(created(3, comment('z')), thread, 'newest', false), 'insert');
  assert.equal(live.classify(created(4, comment('p', null, { status: 'pending' })), thread, 'oldest', true), 'skip');
  assert.equal(live.classify(updated(5, { ...a, html: 'x' }), thread, 'oldest', true), 'update');
  assert.equal(live.classify(deleted(6, { ...a, status: 'deleted' }), thread, 'oldest', true), 'remove');
  assert.equal(live.classify(updated(7, comment('unknown')), thread, 'oldest', true), 'skip');
  assert.equal(live.classify({ type: 'comment.created', seq: 8 }, thread, 'oldest', true), 'skip');
});

test('held comments: replies, edits and deletions of held comments stay held until released', () => {
  const thread = new Thread();
  thread.addPage([comment('a')]);
  const live = new LiveState(0);
  const n = comment('n');
  assert.equal(live.classify(created(1, n), thread, 'oldest', true), 'insert');
  live.hold(n); // the view found its place on screen, so it holds it
  const n1 = comment('n1', 'n');
  assert.equal(live.classify(created(2, n1), thread, 'oldest', true), 'held');
  assert.equal(live.classify(updated(3, { ...n, html: '<p>v2</p>' }), thread, 'oldest', true), 'held');
  assert.equal(live.held.length, 2);
  assert.equal(live.held[0].html, '<p>v2</p>');
  const gone = comment('g');
  live.hold(gone);
  assert.equal(live.classify(deleted(4, { ...gone, status: 'deleted', html: '', author: null }), thread, 'oldest', true), 'held');
  const released = live.release();
  assert.deepEqual(released.map((c) => c.id), ['n', 'n1'], 'a held comment deleted before it was shown is dropped');
  assert.equal(live.held.length, 0);
});

test('release keeps a deleted held comment that has held replies, as a placeholder', () => {
  const live = new LiveState(0);
  live.hold(comment('p'));
  live.hold(comment('p1', 'p'));
  live.hold({ ...comment('p'), id: 'p', status: 'deleted', html: '', author: null });
  assert.deepEqual(live.release().map((c) => [c.id, c.status]), [['p', 'deleted'], ['p1', 'approved']]);
});

test('unhold takes a comment out of the held list (it was posted here)', () => {
  const live = new LiveState(0);
  live.hold(comment('x'));
  assert.equal(live.unhold('x').id, 'x');
  assert.equal(live.unhold('x'), null);
  assert.equal(live.held.length, 0);
});

test('countNew counts each approved comment once, whether it came live or was posted here', () => {
  const live = new LiveState(0);
  const c = comment('c');
  assert.equal(live.countNew(c), 1);
  assert.equal(live.countNew(c), 0);
  assert.equal(live.countNew(comment('p', null, { status: 'pending' })), 0);
});

test('backoff grows exponentially with jitter, capped', () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(0, () => 1), 500);
  assert.equal(backoffDelay(3, () => 0), 2000);
  assert.equal(backoffDelay(3, () => 1), 4000);
  assert.equal(backoffDelay(50, () => 1), BACKOFF_MAX_MS);
  assert.equal(backoffDelay(50, () => 0), BACKOFF_MAX_MS / 2);
  for (let attempt = 0; attempt < 20; attempt++) {
    const delay = backoffDelay(attempt);
    assert.ok(delay > 0 && delay <= BACKOFF_MAX_MS);
  }
});

test('the live URL follows the server scheme and resumes after a seq', () => {
  assert.equal(
    liveUrl('https://c.example.com/porch/', 'blog', '/posts/1?x=1&y', 42),
    'wss://c.example.com/porch/api/v1/live?site=blog&thread=%2Fposts%2F1%3Fx%3D1%26y&after=42',
  );
  assert.equal(liveUrl('http://127.0.0.1:8000/', 'demo', '/', 0), 'ws://127.0.0.1:8000/api/v1/live?site=demo&thread=%2F&after=0');
});
