import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSignIn } from '../../widget/src/signin.js';
import { keyValueStore, memoryStorage, sessionKey } from '../../widget/src/storage.js';

const SERVER = 'https://comments.example.com/sub/';

function setup(session, server = SERVER) {
  const store = keyValueStore(memoryStorage());
  if (session) store.set(sessionKey(server, 'blog'), session);
  let changes = 0;
  const signIn = createSignIn({ server, site: 'blog', store, api: () => null, t: (k) => k, onChange: () => changes++ });
  return { store, signIn, changes: () => changes };
}

// A stand-in for the page's document that records the <script> elements porch.js adds.
function fakeDocument() {
  const added = [];
  class Script extends EventTarget {
    remove() {
      this.removed = true;
    }
  }
  globalThis.document = { createElement: () => new Script(), head: { append: (el) => added.push(el) } };
  return added;
}

test('a guest-only site loads no sign-in file and shows the guest fields', async () => {
  delete globalThis.document; // any attempt to load a script would throw
  const { signIn } = setup(null);
  assert.deepEqual(signIn.headers(), {});
  let placed = null;
  await signIn.slot({ providers: [], guests: true }, (el) => (placed = el));
  assert.equal(placed, null);
  assert.equal(signIn.guestFields(), true);
  await signIn.slot({ providers: [], guests: false }, () => {});
  assert.equal(signIn.guestFields(), false);
});

test('a stored session is sent, and dropped when the server refuses it', () => {
  const { store, signIn, changes } = setup({ token: 't0k', user: { name: 'Ada' } });
  assert.deepEqual(signIn.headers(), { Authorization: 'Bearer t0k' });
  assert.deepEqual(signIn.user(), { name: 'Ada' });
  assert.equal(signIn.guestFields(), false);
  signIn.failed({ status: 422, code: 'text_empty' });
  assert.ok(store.get(sessionKey(SERVER, 'blog')));
  signIn.failed({ status: 401, code: 'invalid_token' });
  assert.equal(store.get(sessionKey(SERVER, 'blog')), null);
  assert.deepEqual(signIn.headers(), {});
  assert.equal(signIn.user(), null);
  assert.equal(signIn.guestFields(), true);
  assert.equal(changes(), 1);
});

test('with providers, static/auth.js is loaded once from the widget server and takes over', async () => {
  const added = fakeDocument();
  try {
    const created = [];
    const element = { sign: 'in' };
    const createAuth = (options) => {
      created.push(options);
      return { slot: () => element, headers: () => ({ Authorization: 'Bearer new' }), guestFields: () => false, failed() {}, destroy() {} };
    };
    const first = setup(null);
    const second = setup(null);
    const placed = [];
    const info = { providers: [{ id: 'github', name: 'GitHub' }], guests: true };
    const done = [first.signIn.slot(info, (el) => placed.push(el)), second.signIn.slot(info, (el) => placed.push(el))];
    assert.equal(added.length, 1, 'one <script> for every widget of the page');
    const script = added[0];
    const url = new URL(script.src);
    assert.equal(url.origin + url.pathname, 'https://comments.example.com/sub/static/auth.js');
    assert.equal(first.signIn.guestFields(), true, 'the form is usable while the file loads');
    // The file hands over its export on its own element, then the element loads.
    script.dispatchEvent(new CustomEvent('porch:module', { detail: createAuth }));
    script.onload();
    await Promise.all(done);
    assert.ok(script.removed);
    assert.deepEqual(placed, [element, element]);
    assert.equal(created[0].server, SERVER);
    assert.deepEqual(first.signIn.headers(), { Authorization: 'Bearer new' });
    assert.equal(first.signIn.guestFields(), false);
    assert.equal(first.changes(), 1);
  } finally {
    delete globalThis.document;
  }
});

test('a script that loads without handing anything over is not trusted, and a later widget tries again', async () => {
  const added = fakeDocument();
  try {
    const server = 'https://other.example.net/'; // loads are shared per URL, across tests too
    const { signIn } = setup(null, server);
    const placed = [];
    const info = { providers: [{ id: 'github', name: 'GitHub' }] };
    const done = signIn.slot(info, (el) => placed.push(el));
    added[0].onload();
    await done;
    assert.deepEqual(placed, []);
    assert.equal(signIn.guestFields(), true);
    const again = setup(null, server).signIn.slot(info, () => {});
    assert.equal(added.length, 2);
    added[1].onerror();
    await again;
  } finally {
    delete globalThis.document;
  }
});
