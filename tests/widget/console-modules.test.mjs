import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { ApiError, createAdminApi, queryString } from '../../console/src/api.js';
import { BULK, CHANGES, actionsFor, banDays, describeFlags } from '../../console/src/actions.js';
import { SHORTCUTS, isTyping, shortcutOf } from '../../console/src/keys.js';
import { adminLiveUrl, parseFrame } from '../../console/src/live.js';

const ROOT = new URL('../../', import.meta.url);
const base = { status: 'approved', pinned: false, flags: { count: 0, reasons: {}, undecided: 0 } };

test('each action sends exactly the change the admin API takes', () => {
  assert.deepEqual(CHANGES, {
    approve: { status: 'approved' },
    spam: { status: 'spam' },
    delete: { status: 'deleted' },
    pin: { pinned: true },
    unpin: { pinned: false },
  });
  assert.deepEqual(BULK, ['approve', 'spam', 'delete']);
});

test('which actions a comment offers', () => {
  assert.deepEqual(actionsFor({ ...base, status: 'pending' }), ['approve', 'spam', 'delete', 'ban']);
  assert.deepEqual(actionsFor(base), ['spam', 'delete', 'pin', 'ban']);
  assert.deepEqual(actionsFor({ ...base, pinned: true }), ['spam', 'delete', 'unpin', 'ban']);
  assert.deepEqual(actionsFor({ ...base, status: 'spam' }), ['approve', 'delete', 'ban']);
  // Reported but still shown: approving keeps it and settles the reports.
  assert.deepEqual(actionsFor({ ...base, flags: { count: 3, reasons: { spam: 3 }, undecided: 3 } }), ['approve', 'spam', 'delete', 'pin', 'ban']);
  assert.deepEqual(actionsFor({ ...base, status: 'deleted' }), [], 'a deleted comment has nothing left to act on');
});

test('reports in words', () => {
  assert.equal(describeFlags({ count: 0, reasons: {} }), '');
  assert.equal(describeFlags(undefined), '');
  assert.equal(describeFlags({ count: 1, reasons: { spam: 1 } }), '1 report: spam 1');
  assert.equal(describeFlags({ count: 3, reasons: { off_topic: 2, abuse: 1 } }), '3 reports: off topic 2, abuse 1');
});

test('ban days: whole days from 1, empty for a ban without end', () => {
  assert.equal(banDays(''), null);
  assert.equal(banDays('  '), null);
  assert.equal(banDays('7'), 7);
  assert.equal(banDays(' 30 '), 30);
  for (const bad of ['0', '-1', '1.5', 'seven', '1e3']) assert.throws(() => banDays(bad), RangeError, bad);
});

test('a key is a shortcut only outside text fields and dialogs, without modifiers', () => {
  const on = (tagName, type) => ({ tagName, type, closest: () => null });
  const key = (k, target = on('ARTICLE'), extra = {}) => shortcutOf({ key: k, target, ...extra });
  assert.equal(key('j'), 'next');
  assert.equal(key('a'), 'approve');
  assert.equal(key('d'), 'delete');
  assert.equal(key('s', on('INPUT', 'checkbox')), 'spam', 'a checkbox takes no text');
  assert.equal(key('a', on('BUTTON')), 'approve');
  assert.equal(key('a', on('INPUT', 'search')), null);
  assert.equal(key('a', on('INPUT', 'text')), null);
  assert.equal(key('a', on('TEXTAREA')), null);
  assert.equal(key('a', on('SELECT')), null);
  assert.equal(key('a', { tagName: 'DIV', isContentEditable: true, closest: () => null }), null);
  assert.equal(key('a', { tagName: 'BUTTON', closest: (s) => (s === 'dialog' ? {} : null) }), null, 'inside a dialog');
  assert.equal(key('a', on('ARTICLE'), { ctrlKey: true }), null, 'Ctrl+A selects text');
  assert.equal(key('s', on('ARTICLE'), { metaKey: true }), null);
  assert.equal(key('A'), null);
  assert.equal(key('q'), null);
  assert.equal(isTyping(null), false);
  // The list on the page names every key once.
  const keys = SHORTCUTS.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const needed of ['j', 'k', 'a', 's', 'd']) assert.ok(keys.includes(needed), needed);
});

test('the live socket URL follows the page: ws for http, wss for https, under a path prefix too', () => {
  assert.equal(adminLiveUrl('http://127.0.0.1:8000/'), 'ws://127.0.0.1:8000/api/v1/admin/live');
  assert.equal(adminLiveUrl('https://c.example/porch/'), 'wss://c.example/porch/api/v1/admin/live');
});

test('frames: comment events and thread updates are kept, anything else is dropped', () => {
  const comment = { type: 'comment.created', seq: 3, site: 'blog', thread: '/t', comment: { id: '5', status: 'pending' } };
  assert.deepEqual(parseFrame(JSON.stringify(comment)), comment);
  const thread = { type: 'thread.updated', seq: 4, site: 'blog', thread: { key: '/t', locked: true } };
  assert.deepEqual(parseFrame(JSON.stringify(thread)), thread);
  for (const other of ['{"type":"hello","seq":1}', '{"type":"ping"}', 'not json', 'null', '{"type":"comment.created","site":"b"}',
    '{"type":"comment.flagged","site":"b","comment":{"id":5}}', '{"type":"thread.updated","site":"b","thread":"/t"}']) {
    assert.equal(parseFrame(other), null, other);
  }
});

test('query strings leave out what is empty', () => {
  assert.equal(queryString({ status: 'pending', site: '', q: undefined, after: null, limit: 50 }), '?status=pending&limit=50');
  assert.equal(queryString({}), '');
  assert.equal(queryString({ thread: '/a b?c' }), '?thread=%2Fa+b%3Fc');
});

test('the API client: same-origin credentials, JSON bodies, stable error codes', async () => {
  const calls = [];
  const answers = [
    { status: 200, ok: true, json: async () => ({ comment: { id: '1' } }) },
    { status: 204, ok: true, json: async () => { throw new Error('no body'); } },
    { status: 401, ok: false, json: async () => ({ error: { code: 'admin_sign_in_required', message: 'Sign in.' } }) },
    { status: 502, ok: false, json: async () => { throw new SyntaxError('html'); } },
  ];
  const api = createAdminApi('https://c.example/porch/', async (url, init) => {
    calls.push({ url, init });
    return answers.shift();
  });
  assert.deepEqual(await api.patchComment('1', { status: 'approved' }), { comment: { id: '1' } });
  assert.equal(calls[0].url, 'https://c.example/porch/api/v1/admin/comments/1');
  assert.equal(calls[0].init.method, 'PATCH');
  assert.equal(calls[0].init.credentials, 'same-origin');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].init.body, '{"status":"approved"}');
  assert.equal(await api.liftBan('7'), null);
  assert.equal(calls[1].url, 'https://c.example/porch/api/v1/admin/bans/7');
  assert.equal(calls[1].init.method, 'DELETE');
  await assert.rejects(api.me(), (e) => e instanceof ApiError && e.code === 'admin_sign_in_required' && e.status === 401);
  await assert.rejects(api.comments({ status: 'pending' }), (e) => e.code === 'http_502');
  assert.equal(calls[3].url, 'https://c.example/porch/api/v1/admin/comments?status=pending');
  const offline = createAdminApi('https://c.example/', async () => { throw new TypeError('Failed to fetch'); });
  await assert.rejects(offline.me(), (e) => e.code === 'network');
});

test('the console puts markup into the page only through the widget\'s one sanitised sink', async () => {
  const sinks = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(|setAttribute\(\s*['"]style|\.style\./g;
  const found = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.js')) {
        for (const match of (await readFile(path, 'utf8')).matchAll(sinks)) found.push(`${entry.name}: ${match[0]}`);
      }
    }
  };
  await walk(new URL('console/src/', ROOT));
  assert.deepEqual(found, []);
  const row = await readFile(new URL('console/src/views/row.js', ROOT), 'utf8');
  assert.match(row, /import \{[^}]*insertSanitizedCommentHtml[^}]*\} from '\.\.\/\.\.\/\.\.\/widget\/src\/dom\.js'/);
});

test('the built page loads its script and styles from files named by content, with nothing inline', async () => {
  const { createHash } = await import('node:crypto');
  const html = await readFile(new URL('static/admin/index.html', ROOT), 'utf8');
  const hash = async (name) => createHash('sha256').update(await readFile(new URL(`static/admin/${name}`, ROOT))).digest('hex').slice(0, 12);
  assert.ok(html.includes(`<script src="../static/admin/console.js?v=${await hash('console.js')}" defer></script>`));
  assert.ok(html.includes(`<link rel="stylesheet" href="../static/admin/console.css?v=${await hash('console.css')}">`));
  assert.equal((html.match(/<script/g) || []).length, 1, 'one script, from a file');
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
});
