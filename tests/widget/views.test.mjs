// The views, each on its own, in a DOM shim (linkedom): what they draw from the store's state, and what they
// do when the store changes or the reader acts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenKey } from '../../widget/src/storage.js';
import { fillComment } from '../../widget/src/views/comment.js';
import { createComposer } from '../../widget/src/views/composer.js';
import { createList } from '../../widget/src/views/list.js';
import { showMoreReplies } from '../../widget/src/views/paging.js';
import { confirmDelete, startEdit } from '../../widget/src/views/own.js';
import { createStatus } from '../../widget/src/views/status.js';
import { SERVER, comment, extrasLoaded, makeCtx, page, text } from './_dom.mjs';

function article(ctx) {
  const li = document.createElement('li');
  const el = document.createElement('article');
  li.append(el);
  ctx.root.append(li);
  return el;
}

const buttons = (el) => [...el.querySelectorAll('.actions button')].map(text);

test('comment: author, time, the server-sanitised text, and Reply', () => {
  const ctx = makeCtx();
  const el = article(ctx);
  const c = comment('1', null, { author: { name: '<b>Ada</b>', url: 'https://ada.example/', provider: 'github' } });
  ctx.store.site({ providers: [{ id: 'github', name: 'GitHub' }] });
  fillComment(el, c, ctx);
  assert.equal(el.querySelector('a.name').textContent, '<b>Ada</b>', 'a name is text, never markup');
  assert.equal(el.querySelector('a.name').getAttribute('href'), 'https://ada.example/');
  assert.equal(el.querySelector('.body p').textContent, 'text 1');
  assert.match(text(el.querySelector('.meta')), /· via GitHub$/);
  assert.equal(el.querySelector('time').getAttribute('datetime'), c.created);
  assert.equal(el.querySelector('.av.initial').textContent, '<');
  assert.deepEqual(buttons(el), ['Reply', 'Report']);
  assert.equal(el.querySelector('.actions button').getAttribute('aria-label'), 'Reply to <b>Ada</b>');
  el.querySelectorAll('.actions button')[1].click();
  assert.deepEqual(ctx.extras.map(([name, x]) => [name, x.id]), [['report', '1']]);
});

test("comment: no Report on what the signed-in reader wrote; a moderator's tools when installed", () => {
  const ctx = makeCtx();
  const el = article(ctx);
  ctx.store.user({ name: 'Ada', provider: 'github' });
  fillComment(el, comment('1', null, { author: { name: 'Ada', provider: 'github' } }), ctx);
  assert.deepEqual(buttons(el), ['Reply']);
  fillComment(el, comment('2', null, { author: { name: 'Ada', provider: 'gitlab' } }), ctx);
  assert.deepEqual(buttons(el), ['Reply', 'Report'], 'same name, another identity');
  ctx.tools = (c, actions) => actions.append(document.createElement('button'));
  fillComment(el, comment('3'), ctx);
  assert.equal(el.querySelectorAll('.actions button').length, 3);
});

test('comment: a javascript: author link is not a link', () => {
  const ctx = makeCtx();
  const el = article(ctx);
  fillComment(el, comment('1', null, { author: { name: 'X', url: 'javascript:alert(1)' } }), ctx);
  assert.equal(el.querySelector('a'), null);
});

test('comment: awaiting moderation, deleted, locked', () => {
  const ctx = makeCtx();
  const el = article(ctx);
  fillComment(el, comment('1', null, { status: 'pending' }), ctx);
  assert.equal(text(el.querySelector('.note')), 'Your comment is awaiting moderation.');
  fillComment(el, comment('1', null, { status: 'deleted', html: '' }), ctx);
  assert.equal(text(el), 'This comment was deleted.');
  ctx.store.loaded(page([]), true);
  ctx.store.thread({ locked: true });
  fillComment(el, comment('2'), ctx);
  assert.deepEqual(buttons(el), ['Report'], 'no Reply on a locked thread');
  fillComment(el, comment('3', null, { status: 'pending' }), ctx);
  assert.deepEqual(buttons(el), [], 'no Report on a comment that awaits moderation');
});

test('comment: Edit and Delete while the edit token lasts; they run the on-demand parts', () => {
  const ctx = makeCtx();
  const el = article(ctx);
  const c = comment('7');
  ctx.keep.set(tokenKey(SERVER, '7'), { token: 'T', text: 'x', expires: Date.now() + 60000 });
  fillComment(el, c, ctx);
  assert.deepEqual(buttons(el), ['Reply', 'Edit', 'Delete']);
  assert.equal(el.parentNode.dataset.own, '1');
  el.querySelectorAll('.actions button')[1].click();
  el.querySelectorAll('.actions button')[2].click();
  assert.deepEqual(ctx.extras.map(([name, x]) => [name, x.id]), [['edit', '7'], ['remove', '7']]);
});

test('list: replies nest up to four levels, then line up with their parent', () => {
  const ctx = makeCtx();
  const list = createList(ctx);
  ctx.root.append(list.list);
  const chain = [comment('r')];
  for (let i = 1; i <= 6; i++) chain.push(comment('d' + i, chain[i - 1].id));
  ctx.store.loaded(page([...chain, comment('s')]), true);
  const depthOf = (id) => {
    let depth = 0;
    for (let el = ctx.root.getElementById('porch-c-' + id); el; el = el.parentNode) if (el.localName === 'ol') depth++;
    return depth;
  };
  assert.deepEqual(['r', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 's'].map(depthOf), [1, 2, 3, 4, 4, 4, 4, 1]);
  const order = [...ctx.root.querySelectorAll('article')].map((a) => a.id.slice(8));
  assert.deepEqual(order, ['r', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 's']);
});

test('list: updates redraw, but never over an open editor unless forced; removals and a new sort', () => {
  const ctx = makeCtx();
  const list = createList(ctx);
  ctx.root.append(list.list);
  ctx.store.loaded(page([comment('a'), comment('b')]), true);
  const a = ctx.root.getElementById('porch-c-a');
  a.dataset.busy = '1';
  ctx.store.reveal(); // nothing held: nothing changes
  ctx.store.event({ type: 'comment.updated', seq: 6, comment: { ...ctx.state.thread.get('a'), html: '<p>changed</p>' } }, () => true);
  assert.equal(text(a.querySelector('.body')), 'text a', 'the reader is typing in it');
  list.refresh('a', true);
  assert.equal(text(a.querySelector('.body')), 'changed');
  ctx.store.event({ type: 'comment.deleted', seq: 7, comment: { ...ctx.state.thread.get('b'), status: 'deleted' } }, () => true);
  assert.equal(ctx.root.getElementById('porch-c-b'), null);
  ctx.store.resort('newest');
  assert.equal(list.list.children.length, 0);
});

test('list: a live comment is quiet only when its place is below the viewport', () => {
  const ctx = makeCtx();
  const list = createList(ctx);
  ctx.root.append(list.list);
  ctx.store.loaded(page([comment('a')]), true);
  const newcomer = comment('b');
  list.list.getBoundingClientRect = () => ({ top: 0, bottom: 500 });
  assert.equal(list.quiet(newcomer), false, 'the end of the list is on screen');
  list.list.getBoundingClientRect = () => ({ top: 900, bottom: 1500 });
  assert.equal(list.quiet(newcomer), true);
});

test('list: "Load more comments" shows while there is a next page, and the sort control names every sort', () => {
  const ctx = makeCtx({ sort: 'newest' });
  const list = createList(ctx);
  ctx.store.loaded(page([comment('a')], { next: 'N2' }), true);
  assert.equal(list.moreButton.hidden, false);
  assert.equal(text(list.moreButton), 'Load more comments');
  const options = [...list.sort.querySelectorAll('option')];
  assert.deepEqual(options.map(text), ['Oldest', 'Newest', 'Top']);
  assert.deepEqual(options.filter((o) => o.hasAttribute('selected')).map((o) => o.value), ['newest']);
  assert.equal(text(list.sort.querySelector('label')), 'Sort by');
  list.moreButton.click();
  Object.defineProperty(list.sort.querySelector('select'), 'value', { value: 'top' }); // linkedom has no select.value
  list.sort.querySelector('select').dispatchEvent(new window.Event('change'));
  assert.deepEqual(ctx.extras.map(([name, x]) => [name, x === list.moreButton ? 'the button' : x]), [['loadMore', 'the button'], ['sortBy', 'top']]);
});

test('list: a root whose replies were cut asks the on-demand part for its "Show N more replies"', () => {
  const ctx = makeCtx();
  createList(ctx);
  ctx.store.loaded(page([comment('a')], { more_replies: [{ root: 'a', after: 'R', count: 3 }] }), true);
  assert.deepEqual(ctx.extras, [['more', 'a']]);
});

test('more replies: the button loads the next batch under its root and goes with the last', async () => {
  extrasLoaded();
  const ctx = makeCtx();
  const list = createList(ctx);
  ctx.root.append(list.list);
  ctx.store.loaded(page([comment('a'), comment('a1', 'a')], { more_replies: [{ root: 'a', after: 'R', count: 2 }] }), true);
  showMoreReplies(ctx, 'a');
  const li = ctx.root.getElementById('porch-c-a').parentNode;
  const button = li.querySelector(':scope > .more');
  assert.equal(text(button), 'Show 2 more replies');
  const queries = [];
  ctx.load = async (query) => (queries.push(query), { comments: [comment('a2', 'a'), comment('a3', 'a')], next: null });
  const shown = new Promise((resolve) => ctx.store.subscribe((change) => change === 'more' && resolve()));
  button.click();
  await shown;
  assert.deepEqual(queries, [{ root: 'a', after: 'R' }]);
  assert.ok(ctx.root.getElementById('porch-c-a3'));
  showMoreReplies(ctx, 'a');
  assert.equal(li.querySelector(':scope > .more'), null);
});

function composerSetup({ guests = true, post } = {}) {
  const calls = [];
  const ctx = makeCtx({ api: { post: async (body) => (calls.push(body), post ? post(body) : { comment: comment('new'), edit_token: 'TOK' }) } });
  const auth = { guestFields: () => guests, failed: (e) => calls.push(['failed', e.code]), slot: () => {} };
  const list = createList(ctx);
  ctx.root.append(list.list);
  const composer = createComposer(ctx, auth, ctx.keep);
  ctx.root.append(composer.slot);
  ctx.store.loaded(page([comment('a')]), true);
  ctx.store.site({ edit_window: 900, max_length: 100 });
  composer.open();
  const form = ctx.root.querySelector('form');
  const submit = () => form.dispatchEvent(new window.Event('submit', { cancelable: true }));
  return { ctx, composer, form, submit, calls, field: (id) => ctx.root.getElementById(id) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('composer: labels say what is asked; a guest posts with their details, which are kept', async () => {
  const { ctx, form, submit, calls, field } = composerSetup();
  assert.deepEqual([...form.querySelectorAll('label')].map(text), ['Comment', 'Name (required)', 'Email (optional, never shown)', 'Website (optional)']);
  assert.equal(text(form.querySelector('h3')), 'Leave a Reply');
  field('porch-text').value = 'Hello';
  field('porch-name').value = ' Ada ';
  field('porch-url').value = 'https://ada.example/';
  submit();
  await settle();
  assert.deepEqual(calls[0], {
    site: 'blog', thread: '/post', text: 'Hello', title: 'A post', url: 'https://blog.example/post', homepage: '',
    author: { name: 'Ada', url: 'https://ada.example/' },
  });
  assert.ok(ctx.root.getElementById('porch-c-new'), 'the posted comment is shown');
  assert.equal(field('porch-text').value, '');
  assert.deepEqual(ctx.said, ['', 'announce: Your comment was posted.']);
  assert.equal(ctx.store.token('new').token, 'TOK');
});

test('composer: nothing is sent without text or a name; the field says what is wrong', async () => {
  const { submit, calls, field, form } = composerSetup();
  submit();
  assert.equal(field('porch-text').getAttribute('aria-invalid'), 'true');
  assert.equal(text(form.querySelector('[role=alert]')), 'error: text_empty');
  field('porch-text').value = 'x';
  submit();
  assert.equal(field('porch-name').getAttribute('aria-invalid'), 'true');
  assert.equal(field('porch-text').getAttribute('aria-invalid'), null);
  assert.deepEqual(calls, []);
});

test('composer: a signed-in reader sends no guest fields; a refused post keeps the text', async () => {
  const error = Object.assign(new Error('x'), { code: 'rate_limited' });
  const { submit, calls, field, form } = composerSetup({ guests: false, post: () => Promise.reject(error) });
  field('porch-text').value = 'Keep me';
  submit();
  await settle();
  assert.equal(calls[0].author, undefined);
  assert.deepEqual(calls[1], ['failed', 'rate_limited']);
  assert.equal(field('porch-text').value, 'Keep me');
  assert.equal(text(form.querySelector('[role=alert]')), 'error: rate_limited');
});

test('composer: Reply moves the form under the comment, and back; the draft follows', () => {
  const { ctx, composer, form, field } = composerSetup();
  composer.reply('a');
  assert.equal(ctx.root.getElementById('porch-c-a').nextSibling, form);
  assert.equal(text(form.querySelector('h3')), 'Leave a Reply to Author a');
  field('porch-text').value = 'draft';
  field('porch-text').dispatchEvent(new window.Event('input'));
  assert.deepEqual(ctx.keep.get(`porch:draft:${SERVER}|blog|/post`), { text: 'draft', parent: 'a' });
  form.querySelector('.formhead button').click(); // Cancel reply
  assert.equal(form.parentNode, composer.slot);
  assert.equal(ctx.state.replyTo, null);
});

test('status: the count, "N new comments", the live state and announcements', async () => {
  const ctx = makeCtx();
  let revealed = 0;
  const status = createStatus(ctx, ctx.host, () => revealed++);
  assert.equal(text(status.heading), '0 Comments');
  ctx.store.loaded(page([comment('a')]), true);
  assert.equal(text(status.heading), '1 Comment');
  assert.equal(status.newButton.hidden, true);
  ctx.store.event({ type: 'comment.created', seq: 6, comment: comment('b', null, { author: { name: 'Bo' } }) }, () => false);
  assert.equal(text(status.heading), '2 Comments');
  assert.equal(status.newButton.hidden, false);
  assert.equal(text(status.newButton), '1 new comment');
  status.newButton.click();
  assert.equal(revealed, 1);
  ctx.store.status('connecting');
  assert.equal(ctx.host.dataset.live, 'connecting');
  assert.equal(status.status.hidden, false);
  ctx.store.status('live');
  assert.equal(status.status.hidden, true);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(text(status.announcer), 'New comment from Bo');
});

function ownSetup(api) {
  extrasLoaded();
  const ctx = makeCtx({ api });
  const list = createList(ctx);
  ctx.refresh = list.refresh;
  ctx.root.append(list.list);
  ctx.store.loaded(page([comment('m')]), true);
  ctx.keep.set(tokenKey(SERVER, 'm'), { token: 'T', text: 'old text', expires: Date.now() + 60000 });
  list.refresh('m', true);
  const el = ctx.root.getElementById('porch-c-m');
  return { ctx, el };
}

test('own comment: the editor replaces the text, saves with the token, and Cancel restores it', async () => {
  const edits = [];
  const { ctx, el } = ownSetup({
    call: async (method, path, { body, headers }) => (edits.push([method, path, body, headers]), { comment: { ...comment('m'), html: '<p>new text</p>', edited: 'x' } }),
  });
  startEdit(ctx, ctx.state.thread.get('m'), el);
  assert.equal(el.dataset.busy, '1');
  const box = el.querySelector('textarea');
  assert.equal(box.value, 'old text');
  el.querySelectorAll('.actions button')[1].click(); // Cancel
  assert.equal(el.querySelector('textarea'), null);
  assert.equal(text(el.querySelector('.body')), 'text m');
  startEdit(ctx, ctx.state.thread.get('m'), el);
  el.querySelector('textarea').value = 'new text';
  el.querySelector('form').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  assert.deepEqual(edits, [['PATCH', 'api/v1/comments/m', { text: 'new text' }, { 'X-Edit-Token': 'T' }]]);
  assert.equal(text(el.querySelector('.body')), 'new text');
  assert.equal(ctx.store.token('m').text, 'new text');
});

test('own comment: Delete asks first; Keep keeps it, Delete removes it', async () => {
  const removed = [];
  const { ctx, el } = ownSetup({ call: async (method, path, { headers }) => removed.push([method, path, headers]) });
  ctx.root.append(Object.assign(document.createElement('h2'), { id: 'porch-heading' }));
  const actions = () => el.querySelector('.actions');
  confirmDelete(ctx, ctx.state.thread.get('m'), actions());
  assert.equal(text(actions().firstChild), 'Delete this comment?');
  assert.deepEqual(buttons(el), ['Delete', 'Keep']);
  [...actions().querySelectorAll('button')].find((b) => text(b) === 'Keep').click();
  assert.deepEqual(buttons(el), ['Reply', 'Edit', 'Delete']);
  confirmDelete(ctx, ctx.state.thread.get('m'), actions());
  [...actions().querySelectorAll('button')].find((b) => text(b) === 'Delete').click();
  await settle();
  assert.deepEqual(removed, [['DELETE', 'api/v1/comments/m', { 'X-Edit-Token': 'T' }]]);
  assert.equal(ctx.root.getElementById('porch-c-m'), null);
  assert.equal(ctx.state.count, 0);
});

test('composer: the honeypot is in the form, sent as "homepage", and out of reach of people', async () => {
  const { form, submit, calls, field } = composerSetup();
  const honeypot = form.querySelector('input[name=homepage]');
  assert.equal(honeypot.getAttribute('aria-hidden'), 'true');
  assert.equal(honeypot.getAttribute('tabindex'), '-1');
  assert.equal(honeypot.getAttribute('autocomplete'), 'off');
  assert.equal(honeypot.getAttribute('class'), 'hp', 'off-screen by the stylesheet, not display:none');
  assert.equal(honeypot.hasAttribute('hidden'), false);
  honeypot.value = 'http://spam.example/';
  field('porch-text').value = 'Buy';
  field('porch-name').value = 'Bot';
  submit();
  await settle();
  assert.equal(calls[0].homepage, 'http://spam.example/');
});

test('composer: a lock closes the form with "Comments are closed.", an unlock opens it again, live', () => {
  const { ctx, composer, form } = composerSetup();
  composer.reply('a');
  ctx.store.thread({ locked: true });
  assert.equal(form.isConnected, false);
  assert.equal(ctx.state.replyTo, null);
  assert.equal(ctx.said.at(-1), 'Comments are closed.');
  assert.deepEqual(buttons(ctx.root.getElementById('porch-c-a')), ['Report'], 'Reply went with the lock');
  ctx.store.thread({ locked: false });
  assert.equal(form.parentNode, composer.slot);
  assert.equal(ctx.said.at(-1), '');
  assert.deepEqual(buttons(ctx.root.getElementById('porch-c-a')), ['Reply', 'Report']);
});

test('composer: a thread locked from the start shows no form until it is unlocked', () => {
  const ctx = makeCtx();
  const auth = { guestFields: () => true, failed() {}, slot() {} };
  const composer = createComposer(ctx, auth, ctx.keep);
  ctx.root.append(composer.slot);
  ctx.store.loaded({ ...page([]), thread: { count: 0, locked: true, seq: 1 } }, true);
  composer.open();
  assert.equal(ctx.root.querySelector('form'), null);
  assert.deepEqual(ctx.said, ['Comments are closed.']);
  ctx.store.thread({ locked: false });
  assert.ok(ctx.root.querySelector('form textarea'));
});
