import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Thread } from '../../widget/src/tree.js';

let clock = 0;
function comment(id, parent = null, extra = {}) {
  clock += 1;
  return {
    id, parent, author: { name: id }, html: `<p>${id}</p>`, status: 'approved', score: 0, edited: null,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), ...extra,
  };
}

test('a page builds a tree: roots in server order, replies oldest first whatever their order in the page', () => {
  const a = comment('a');
  const b = comment('b');
  const a1 = comment('a1', 'a');
  const a2 = comment('a2', 'a');
  const a1x = comment('a1x', 'a1');
  const thread = new Thread();
  // the server sent newest first: b before a; replies out of order
  const added = thread.addPage([b, a, a1x, a2, a1]);
  assert.deepEqual(thread.children(), ['b', 'a']);
  assert.deepEqual(thread.children('a'), ['a1', 'a2']);
  assert.deepEqual(thread.ordered(), ['b', 'a', 'a1', 'a1x', 'a2']);
  assert.equal(added.length, 5);
  assert.equal(thread.depth('a1x'), 2);
  assert.equal(thread.depth('b'), 0);
});

test('a later page appends roots and never duplicates a comment already shown', () => {
  const thread = new Thread();
  const [a, b, c] = [comment('a'), comment('b'), comment('c')];
  thread.addPage([a, b]);
  thread.insert(c, 'oldest', true); // posted here before the page holding it was loaded
  const c2 = { ...c, html: '<p>edited</p>' };
  const d = comment('d');
  const added = thread.addPage([c2, d, comment('d1', 'd')]);
  assert.deepEqual(added, ['d', 'd1']);
  assert.deepEqual(thread.ordered(), ['a', 'b', 'c', 'd', 'd1']);
  assert.equal(thread.get('c').html, '<p>edited</p>');
});

test('replies whose parent is unknown are not kept', () => {
  const thread = new Thread();
  assert.deepEqual(thread.addPage([comment('x', 'missing')]), []);
  assert.equal(thread.has('x'), false);
});

test('place: replies go after older siblings; roots by sort and by whether every page is loaded', () => {
  const thread = new Thread();
  thread.addPage([comment('a'), comment('b'), comment('a1', 'a')]);
  const reply = comment('a2', 'a');
  assert.deepEqual(thread.place(reply, 'oldest', true), { parent: 'a', before: null });
  const early = { ...comment('a0', 'a'), created: '2025-01-01T00:00:00Z' };
  assert.deepEqual(thread.place(early, 'oldest', true), { parent: 'a', before: 'a1' });
  const root = comment('z');
  assert.deepEqual(thread.place(root, 'newest', false), { parent: null, before: 'a' });
  assert.deepEqual(thread.place(root, 'oldest', true), { parent: null, before: null });
  assert.equal(thread.place(root, 'oldest', false), null, 'its place is on a page not loaded yet');
  assert.equal(thread.place(comment('q', 'unknown'), 'oldest', true), null);
});

test('insert puts a comment at its place once', () => {
  const thread = new Thread();
  thread.addPage([comment('a'), comment('b')]);
  const n = comment('n');
  assert.deepEqual(thread.insert(n, 'newest', true), { parent: null, before: 'a' });
  assert.equal(thread.insert(n, 'newest', true), null);
  assert.deepEqual(thread.children(), ['n', 'a', 'b']);
});

test('remove: a comment with replies becomes a placeholder; one without goes', () => {
  const thread = new Thread();
  thread.addPage([comment('a'), comment('a1', 'a'), comment('b')]);
  assert.equal(thread.remove('a'), 'placeholder');
  assert.equal(thread.get('a').status, 'deleted');
  assert.equal(thread.get('a').author, null);
  assert.equal(thread.get('a').html, '');
  assert.equal(thread.remove('b'), 'removed');
  assert.deepEqual(thread.ordered(), ['a', 'a1']);
  assert.equal(thread.remove('nope'), null);
});

test('update replaces a known comment only', () => {
  const thread = new Thread();
  thread.addPage([comment('a')]);
  assert.equal(thread.update({ ...thread.get('a'), html: '<p>new</p>' }), true);
  assert.equal(thread.get('a').html, '<p>new</p>');
  assert.equal(thread.update(comment('zz')), false);
});

function chain(n) {
  const comments = [comment('c0')];
  for (let i = 1; i < n; i++) comments.push(comment(`c${i}`, `c${i - 1}`));
  return comments;
}

test('a 10,000-deep reply chain: depth and display order work without recursion', () => {
  const comments = chain(10000);
  const thread = new Thread();
  assert.equal(thread.addPage(comments).length, 10000);
  assert.equal(thread.depth('c9999'), 9999);
  assert.equal(thread.depth('c0'), 0);
  const ids = comments.map((c) => c.id);
  assert.deepEqual(thread.ordered(), ids);
  assert.deepEqual(thread.ordered('c9997'), ['c9998', 'c9999']);
  // The same chain sent deepest first: each reply waits for its parent.
  const reversed = new Thread();
  assert.deepEqual(reversed.addPage(comments.slice().reverse()), ids);
  assert.deepEqual(reversed.ordered(), ids);
  assert.equal(reversed.following('c9999', () => false, () => true), null);
});

test('a page may bring replies before their parents; replies of a missing parent go, with their replies', () => {
  const thread = new Thread();
  thread.addPage([comment('a')]);
  const [b, b1, b2, b1x] = [comment('b', 'a'), comment('b1', 'b'), comment('b2', 'b'), comment('b1x', 'b1')];
  const lost = comment('lost', 'never-sent');
  const lostChild = comment('lostChild', 'lost');
  const added = thread.addPage([b1x, lostChild, b2, b1, lost, b]);
  assert.deepEqual(added.slice().sort(), ['b', 'b1', 'b1x', 'b2']);
  for (const id of added) {
    const parent = thread.get(id).parent;
    assert.ok(parent === 'a' || added.indexOf(parent) < added.indexOf(id), `${id} comes after its parent`);
  }
  assert.deepEqual(thread.ordered(), ['a', 'b', 'b1', 'b1x', 'b2']);
  assert.equal(thread.depth('b1x'), 3);
  assert.equal(thread.has('lost'), false);
  assert.equal(thread.has('lostChild'), false);
  // a later batch brings them properly
  assert.deepEqual(thread.addPage([comment('b3', 'b'), comment('b3x', 'b3')]), ['b3', 'b3x']);
  assert.deepEqual(thread.ordered('b'), ['b1', 'b1x', 'b2', 'b3', 'b3x']);
});

test('following: what comes after a comment and its replies, where replies below the indent share a list', () => {
  // a ─ a1 ─ a1x ─ a1xy
  //   │         └─ a1xz
  //   └ a2
  // b
  const thread = new Thread();
  thread.addPage(['a', 'a1', 'a1x', 'a1xy', 'a1xz', 'a2', 'b'].map((id) => comment(id, id.length > 1 ? id.slice(0, -1) : null)));
  const all = () => true;
  const nestAll = () => true;
  // every comment with its own list: nothing follows the last of its siblings
  assert.equal(thread.following('a1xy', nestAll, all), 'a1xz');
  assert.equal(thread.following('a1xz', nestAll, all), null);
  assert.equal(thread.following('a', nestAll, all), 'b');
  // only roots have a list of their own: all of a's replies are in it, depth first, so after a1x comes a2
  const nests = (id) => thread.depth(id) === 0;
  assert.equal(thread.following('a1xz', nests, all), 'a2');
  assert.equal(thread.following('a1x', nests, all), 'a2');
  assert.equal(thread.following('a1xy', nests, all), 'a1xz');
  assert.equal(thread.following('a2', nests, all), null, 'the end of a list of its own');
  assert.equal(thread.following('a1xz', (id) => thread.depth(id) < 2, all), null, "with a list of a1's own");
  // comments not shown yet are passed over
  assert.equal(thread.following('a1xy', nests, (id) => id !== 'a1xz' && id !== 'a2'), null);
});
