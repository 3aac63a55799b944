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
