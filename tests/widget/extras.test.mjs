// The parts of static/extras.js that only some readers need, in a DOM shim: the report dialog, the reader's
// own comments that await moderation, a moderator's tools, and reading on (another sort, the next page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../widget/src/api.js';
import { createList } from '../../widget/src/views/list.js';
import { mine } from '../../widget/src/views/mine.js';
import { loadMore, sortBy } from '../../widget/src/views/paging.js';
import { report } from '../../widget/src/views/report.js';
import { comment, extrasLoaded, makeCtx, page, text } from './_dom.mjs';

extrasLoaded();
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A ctx with the list drawn, whose api.call answers from `answer(method, path, options)` and records the calls. */
function setup(answer, comments = [comment('a')]) {
  const calls = [];
  const ctx = makeCtx({
    api: {
      call: async (method, path, options = {}) => {
        calls.push([method, path, options.query || options.body || options.headers || null]);
        return answer(method, path, options);
      },
    },
  });
  const list = createList(ctx);
  ctx.refresh = list.refresh;
  const bar = document.createElement('div');
  bar.className = 'bar';
  ctx.root.append(bar, list.list);
  ctx.store.loaded(page(comments), true);
  return { ctx, calls, list };
}

const actionsOf = (ctx, id) => ctx.root.getElementById('porch-c-' + id).querySelector('.actions');
const buttons = (el) => [...el.querySelectorAll('button')].map(text);

test('report: asks why, sends the reason, then says Reported', async () => {
  const { ctx, calls } = setup(() => null);
  report(ctx, ctx.state.thread.get('a'), actionsOf(ctx, 'a'));
  const form = ctx.root.querySelector('form.report');
  assert.equal(text(form.querySelector('legend')), 'Why are you reporting this comment?');
  assert.deepEqual([...form.querySelectorAll('label')].map(text), ['Spam', 'Abuse', 'Off topic', 'Other']);
  assert.deepEqual([...form.querySelectorAll('input')].map((i) => i.value), ['spam', 'abuse', 'off_topic', 'other']);
  assert.ok(ctx.root.querySelector('style.report'), 'the dialog brings its own style');
  form.querySelector('input[value=spam]').checked = false; // a browser unchecks the others of the group
  form.querySelector('input[value=off_topic]').checked = true;
  form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  assert.deepEqual(calls, [['POST', 'api/v1/comments/a/flag', { reason: 'off_topic' }]]);
  const done = [...actionsOf(ctx, 'a').querySelectorAll('button')].find((b) => text(b) === 'Reported');
  assert.ok(done && done.disabled);
  assert.equal(done.getAttribute('aria-label'), 'Reported');
  assert.deepEqual(ctx.said, ['announce: Thank you. The moderators will look at this comment.']);
});

test('report: Cancel sends nothing; too many reports says so and keeps the dialog', async () => {
  const { ctx, calls } = setup(() => Promise.reject(new ApiError('rate_limited', 'slow down', 429)));
  report(ctx, ctx.state.thread.get('a'), actionsOf(ctx, 'a'));
  [...ctx.root.querySelectorAll('form.report button')].find((b) => text(b) === 'Cancel').click();
  assert.equal(ctx.root.querySelector('form.report'), null);
  assert.deepEqual(buttons(actionsOf(ctx, 'a')), ['Reply', 'Report']);
  assert.deepEqual(calls, []);
  report(ctx, ctx.state.thread.get('a'), actionsOf(ctx, 'a'));
  const form = ctx.root.querySelector('form.report');
  form.querySelector('input').checked = true; // as a browser reads the checked attribute (linkedom does not)
  form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  assert.equal(text(form.querySelector('[role=alert]')), 'Too many reports from here. Please wait a minute and try again.');
  assert.ok(form.isConnected);
});

test("mine: a guest's held comments come back through their tokens; others' answers make them forgotten", async () => {
  const answers = {
    'api/v1/comments/p1': { comment: comment('p1', null, { status: 'pending' }) },
    'api/v1/comments/p2': { comment: comment('p2') }, // approved meanwhile
  };
  const { ctx, calls } = setup((method, path) => answers[path] || Promise.reject(new ApiError('comment_not_found', '', 404)));
  ctx.store.held([{ id: 'p1', token: 'T1' }, { id: 'p2', token: 'T2' }, { id: 'gone', token: 'T3' }]);
  await mine(ctx);
  assert.deepEqual(calls.map(([, path, headers]) => [path, headers['X-Edit-Token']]), [
    ['api/v1/comments/p1', 'T1'],
    ['api/v1/comments/p2', 'T2'],
    ['api/v1/comments/gone', 'T3'],
  ]);
  assert.equal(text(ctx.root.getElementById('porch-c-p1').querySelector('.note')), 'Your comment is awaiting moderation.');
  assert.deepEqual(ctx.store.held(), [{ id: 'p1', token: 'T1' }]);
  assert.equal(ctx.state.count, 1, 'a pending comment is not counted');
  // A network failure forgets nothing.
  ctx.api.call = async () => Promise.reject(new ApiError('network'));
  await mine(ctx);
  assert.deepEqual(ctx.store.held(), [{ id: 'p1', token: 'T1' }]);
});

test("mine: a signed-in author's pending comments, and a moderator's tools, which go on signing out", async () => {
  let moderator = true;
  const { ctx, calls } = setup((method, path) => {
    if (path === 'api/v1/comments/mine') return { comments: [comment('q', 'a', { status: 'pending' })] };
    if (path === 'api/v1/admin/me') return { actor: 'company:alice', sites: ['blog'], moderator };
    return { comment: {} };
  });
  ctx.store.user({ name: 'Alice', provider: 'company' });
  await mine(ctx);
  assert.deepEqual(calls.slice(0, 2), [['GET', 'api/v1/comments/mine', { site: 'blog', thread: '/post' }], ['GET', 'api/v1/admin/me', null]]);
  assert.ok(ctx.root.getElementById('porch-c-q'), 'their pending reply, under its parent');
  assert.deepEqual(buttons(actionsOf(ctx, 'a')), ['Reply', 'Report', 'Pin', 'Delete']);
  const lock = ctx.root.querySelector('.bar button');
  assert.equal(text(lock), 'Lock thread');
  // Lock, pin and delete go to the moderation API; what they change arrives live.
  calls.length = 0;
  lock.click();
  actionsOf(ctx, 'a').querySelectorAll('button')[2].click();
  actionsOf(ctx, 'a').querySelectorAll('button')[3].click();
  assert.equal(text(actionsOf(ctx, 'a')), 'Delete this comment?DeleteKeep');
  actionsOf(ctx, 'a').querySelectorAll('button')[0].click();
  await settle();
  assert.deepEqual(calls, [
    ['PATCH', 'api/v1/admin/threads', { site: 'blog', thread: '/post' }],
    ['PATCH', 'api/v1/admin/comments/a', { pinned: true }],
    ['PATCH', 'api/v1/admin/comments/a', { status: 'deleted' }],
  ]);
  ctx.store.event({ type: 'thread.updated', seq: 9, thread: { locked: true } }, () => true);
  assert.equal(text(lock), 'Unlock thread');
  ctx.store.event({ type: 'comment.updated', seq: 10, comment: { ...ctx.state.thread.get('a'), pinned: true } }, () => true);
  assert.ok(buttons(actionsOf(ctx, 'a')).includes('Unpin'));
  // Signing out takes the tools away.
  ctx.store.user(null);
  moderator = false;
  await mine(ctx);
  assert.equal(ctx.root.querySelector('.bar button'), null);
  assert.deepEqual(buttons(actionsOf(ctx, 'a')), ['Report']);
});

test('mine: a reader who moderates nothing gets no tools', async () => {
  const { ctx } = setup((method, path) => (path === 'api/v1/admin/me' ? { actor: 'company:bob', sites: [], moderator: false } : { comments: [] }));
  ctx.store.user({ name: 'Bob', provider: 'company' });
  await mine(ctx);
  assert.equal(ctx.tools, undefined);
  assert.equal(ctx.root.querySelector('.bar button'), null);
});

test('paging: another sort starts the thread again; "Load more comments" adds the next page', async () => {
  const { ctx } = setup(() => null, [comment('a'), comment('b')]);
  const queries = [];
  ctx.load = async (query) => (queries.push(query), query ? page([]) : { ...page([comment('z')]), next: 'N' });
  await sortBy(ctx, 'newest');
  assert.equal(ctx.state.sort, 'newest');
  assert.deepEqual([...ctx.root.querySelectorAll('article')].map((a) => a.id), ['porch-c-z']);
  ctx.load = async () => ({ ...page([comment('y')]), next: null });
  const button = document.createElement('button');
  await loadMore(ctx, button);
  assert.deepEqual([...ctx.root.querySelectorAll('article')].map((a) => a.id), ['porch-c-z', 'porch-c-y']);
  assert.equal(ctx.state.next, null);
  assert.equal(button.disabled, false);
});
