import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, belongs, compareIds } from '../../console/src/store.js';
import { formatRoute, loginFromHash, parseRoute } from '../../console/src/router.js';

function comment(id, extra = {}) {
  return {
    id: String(id), parent: null, author: { name: `A${id}` }, html: `<p>${id}</p>`, status: 'pending', pinned: false,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, Number(id))).toISOString(), site: 'blog',
    thread: { key: '/t', title: 'T', url: 'https://blog.example/t', locked: false },
    flags: { count: 0, reasons: {}, undecided: 0 }, email: null, text: String(id), ...extra,
  };
}
const page = (ids, next = null, extra = {}) => ({ comments: ids.map((id) => comment(id, extra)), next, counts: { pending: ids.length, flagged: 0, spam: 0 } });

test('routes: each view, its site, search and thread round-trip through the fragment', () => {
  for (const route of [
    { view: 'pending', site: '', q: '' },
    { view: 'flagged', site: 'blog', q: 'free money' },
    { view: 'all', site: '', q: 'a&b=c#d' },
    { view: 'thread', site: 'blog', thread: '/posts/a b?c=1#x' },
    { view: 'bans', site: 'shop' },
    { view: 'log', site: '' },
  ]) {
    assert.deepEqual(parseRoute(formatRoute(route)), route);
  }
  assert.deepEqual(parseRoute(''), { view: 'pending', site: '', q: '' });
  assert.deepEqual(parseRoute('#view=nonsense&site=x'), { view: 'pending', site: 'x', q: '' });
  // A thread needs its site and key; without them it is the default tab, never a thread of ''.
  assert.deepEqual(parseRoute('#view=thread&site=blog'), { view: 'pending', site: 'blog', q: '' });
});

test('the one-time link is read from the fragment only when it is there', () => {
  assert.equal(loginFromHash('#login=abc.DEF-ghi_'), 'abc.DEF-ghi_');
  assert.equal(loginFromHash('login=abc.def'), 'abc.def');
  assert.equal(loginFromHash('#view=pending'), null);
  assert.equal(loginFromHash('#login='), null);
  assert.equal(loginFromHash(''), null);
});

test('which comments belong in which list', () => {
  const pending = comment(1);
  const approved = comment(2, { status: 'approved' });
  const reported = comment(3, { status: 'approved', flags: { count: 2, reasons: { spam: 2 }, undecided: 2 } });
  const settled = comment(4, { status: 'approved', flags: { count: 2, reasons: { spam: 2 }, undecided: 0 } });
  const spam = comment(5, { status: 'spam' });
  const deleted = comment(6, { status: 'deleted', html: '' });
  const all = [pending, approved, reported, settled, spam, deleted];
  const ids = (view, extra = {}) => all.filter((c) => belongs({ view, site: '', ...extra }, c)).map((c) => c.id);
  assert.deepEqual(ids('pending'), ['1']);
  assert.deepEqual(ids('flagged'), ['3'], 'reports a moderator decided on are settled');
  assert.deepEqual(ids('spam'), ['5']);
  assert.deepEqual(ids('all'), ['1', '2', '3', '4', '5', '6']);
  assert.deepEqual(ids('pending', { site: 'shop' }), [], 'another site');
  assert.deepEqual(ids('thread', { thread: '/t' }).length, 6);
  assert.deepEqual(ids('thread', { thread: '/other' }), []);
});

test('ids order as numbers, also beyond 2^53', () => {
  assert.equal(compareIds('9', '10'), -1);
  assert.equal(compareIds('10', '9'), 1);
  assert.equal(compareIds('9007199254740993', '9007199254740992'), 1);
  assert.equal(compareIds('7', '7'), 0);
});

test('an approved comment leaves the Pending list, and focus has somewhere to go', () => {
  const queue = new Queue({ view: 'pending', site: '' });
  queue.load(page([5, 4, 3]));
  assert.equal(queue.neighbour('4'), '3');
  assert.equal(queue.neighbour('3'), '4', 'the last row hands focus to the one before it');
  queue.toggle('4', true);
  assert.equal(queue.apply(comment(4, { status: 'approved' })), 'removed');
  assert.deepEqual(queue.ids(), ['5', '3']);
  assert.deepEqual(queue.selectedIds(), [], 'a row that left is no longer selected');
  assert.equal(queue.apply(comment(5, { pinned: true })), 'updated');
  assert.equal(queue.get('5').pinned, true);
  assert.equal(queue.apply(comment(9, { status: 'approved' })), null, 'not in this list, and does not belong');
  queue.apply(comment(3, { status: 'spam' }));
  queue.apply(comment(5, { status: 'deleted' }));
  assert.equal(queue.neighbour('5'), null);
  assert.equal(queue.size, 0);
});

test('j and k stay within the list; the first press lands on the first row', () => {
  const queue = new Queue({ view: 'all', site: '' });
  queue.load(page([3, 2, 1]));
  assert.equal(queue.step(null, 1), '3');
  assert.equal(queue.step('3', 1), '2');
  assert.equal(queue.step('1', 1), '1');
  assert.equal(queue.step('3', -1), '3');
  assert.equal(queue.step('gone', -1), '3');
  assert.equal(new Queue({ view: 'all' }).step(null, 1), null);
});

test('"Load more" appends without duplicates; selection covers only loaded rows, in list order', () => {
  const queue = new Queue({ view: 'pending', site: '' });
  queue.load(page([9, 8, 7], '7'));
  queue.load(page([7, 6, 5], null), { append: true });
  assert.deepEqual(queue.ids(), ['9', '8', '7', '6', '5']);
  assert.equal(queue.next, null);
  queue.toggle('5');
  queue.toggle('8');
  queue.toggle('42');
  assert.deepEqual(queue.selectedIds(), ['8', '5']);
  queue.selectAll(true);
  assert.equal(queue.selectedIds().length, 5);
  queue.selectAll(false);
  assert.deepEqual(queue.selectedIds(), []);
  queue.load(page([1]));
  assert.deepEqual(queue.ids(), ['1'], 'a first page replaces the list');
});

test('a fresh read after live frames adds new rows at the top and drops those decided elsewhere', () => {
  const queue = new Queue({ view: 'pending', site: '' });
  queue.load(page([5, 4, 3]));
  // Comment 12 arrived, 4 was approved in another console; nothing more beyond this page.
  const added = queue.merge(page([12, 5, 3]));
  assert.deepEqual(added, ['12']);
  assert.deepEqual(queue.ids(), ['12', '5', '3']);
  assert.equal(queue.next, null);
  // Rows whose comment did not change keep their object (the list view keeps their element and focus).
  const before = queue.get('5');
  queue.merge(page([12, 5, 3]));
  assert.equal(queue.get('5'), before);
  queue.merge({ ...page([12, 3]), comments: [comment(12), comment(5, { pinned: true }), comment(3)] });
  assert.notEqual(queue.get('5'), before);
  assert.equal(queue.get('5').pinned, true);
});

test('a fresh read leaves rows older than its page alone, and their cursor', () => {
  const queue = new Queue({ view: 'pending', site: '' });
  queue.load(page([9, 8], '8'));
  queue.load(page([7, 6], '6'), { append: true });
  // The first page again: 10 is new, 9 left, and the page ends at 8 with more after it.
  assert.deepEqual(queue.merge(page([10, 8], '8')), ['10']);
  assert.deepEqual(queue.ids(), ['10', '8', '7', '6']);
  assert.equal(queue.next, '6', '"Load more" still continues after the oldest row loaded');
  // Rows the fresh page pushed beyond its end stay, and so does the cursor after them.
  const short = new Queue({ view: 'pending', site: '' });
  short.load(page([3, 2], '2'));
  short.merge(page([4, 3], '3'));
  assert.deepEqual(short.ids(), ['4', '3', '2']);
  assert.equal(short.next, '2');
  // When every loaded row is within the fresh page, the fresh page's cursor is the one to follow.
  const all = new Queue({ view: 'pending', site: '' });
  all.load(page([3, 2]));
  all.merge(page([5, 4, 3, 2], '2'));
  assert.equal(all.next, '2');
  all.load(page([3, 2]));
  all.merge(page([3], null));
  assert.deepEqual(all.ids(), ['3']);
  assert.equal(all.next, null);
});

test('an action\'s answer for a comment not loaded yet is placed by id, unless it is beyond "Load more"', () => {
  const queue = new Queue({ view: 'all', site: '' });
  queue.load(page([9, 5], '5'));
  assert.equal(queue.apply(comment(7)), 'added');
  assert.deepEqual(queue.ids(), ['9', '7', '5']);
  assert.equal(queue.apply(comment(2)), null, 'older than every loaded row: "Load more" brings it');
});
