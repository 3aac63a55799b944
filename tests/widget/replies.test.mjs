import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MoreReplies } from '../../widget/src/replies.js';

test('a page names the roots whose replies were cut; each has a query for its next batch', () => {
  const more = new MoreReplies();
  more.addPage({ comments: [], next: null, more_replies: [{ root: '7', after: 'CUR1', count: 250 }] });
  assert.deepEqual(more.get('7'), { after: 'CUR1', count: 250 });
  assert.equal(more.get('8'), undefined);
});

test('no more_replies (a server before the cap, or nothing cut) means no button', () => {
  const more = new MoreReplies();
  more.addPage({ comments: [], next: null });
  more.addPage({ comments: [], next: null, more_replies: [] });
  more.addPage(null);
  assert.deepEqual([...more.cut.keys()], []);
});

test('entries without a cursor are ignored; an unreadable count still shows the button', () => {
  const more = new MoreReplies();
  more.addPage({ more_replies: [null, { root: '1', count: 3 }, { root: '2', after: 'y', count: 'lots' }, { root: 3, after: 'z', count: -4 }] });
  assert.deepEqual([...more.cut.keys()], ['2', '3']);
  assert.deepEqual(more.get('2'), { after: 'y', count: 1 });
  assert.deepEqual(more.get('3'), { after: 'z', count: 1 });
});

test('each batch moves the cursor on and lowers the count; the last one ends it', () => {
  const more = new MoreReplies();
  more.addPage({ more_replies: [{ root: '7', after: 'CUR1', count: 250 }] });
  const batch = (n, next) => ({ comments: Array.from({ length: n }, (_, i) => ({ id: String(i) })), next, more_replies: [] });
  assert.equal(more.loaded('7', batch(100, 'CUR2')), 150);
  assert.deepEqual(more.get('7'), { after: 'CUR2', count: 150 });
  // replies posted meanwhile come too: the count stays at least 1 while there is a next batch
  assert.equal(more.loaded('7', batch(200, 'CUR3')), 1);
  assert.equal(more.loaded('7', batch(3, null)), 0);
  assert.equal(more.get('7'), undefined);
  assert.equal(more.loaded('7', batch(1, 'late')), 0, 'a batch for a root with nothing left changes nothing');
  assert.equal(more.get('7'), undefined);
});
