import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftKey, guestKey, keyValueStore, memoryStorage, tokenKey } from '../../widget/src/storage.js';

test('keys name the server, so two Porch servers on one page never share drafts or tokens', () => {
  assert.equal(draftKey('https://a.example/', 'blog', '/p/1'), 'porch:draft:https://a.example/|blog|/p/1');
  assert.notEqual(draftKey('https://a.example/', 'blog', '/p/1'), draftKey('https://b.example/', 'blog', '/p/1'));
  assert.notEqual(draftKey('https://a.example/', 'blog', '/p/1'), draftKey('https://a.example/', 'blog', '/p/2'));
  assert.notEqual(draftKey('https://a.example/', 'blog', '/p/1'), draftKey('https://a.example/', 'docs', '/p/1'));
  assert.equal(tokenKey('https://a.example/', '17'), 'porch:token:https://a.example/|17');
  assert.notEqual(tokenKey('https://a.example/', '17'), tokenKey('https://b.example/', '17'));
  assert.equal(guestKey('https://a.example/'), 'porch:guest:https://a.example/');
});

test('values round-trip as JSON; garbage reads as null', () => {
  const raw = memoryStorage();
  const store = keyValueStore(raw);
  store.set('k', { text: 'hé', parent: null });
  assert.deepEqual(store.get('k'), { text: 'hé', parent: null });
  raw.setItem('bad', '{not json');
  assert.equal(store.get('bad'), null);
  assert.equal(store.get('missing'), null);
  store.remove('k');
  assert.equal(store.get('k'), null);
});

test('a storage that throws (disabled, full, private mode) never breaks the widget', () => {
  const broken = {
    get length() {
      throw new Error('denied');
    },
    key() {
      throw new Error('denied');
    },
    getItem() {
      throw new Error('denied');
    },
    setItem() {
      throw new Error('QuotaExceededError');
    },
    removeItem() {
      throw new Error('denied');
    },
  };
  const store = keyValueStore(broken);
  assert.equal(store.set('k', 1), false);
  assert.equal(store.get('k'), null);
  store.remove('k');
  store.pruneTokens('https://a.example/', Date.now());
});

test('pruneTokens drops only this server\'s expired tokens', () => {
  const raw = memoryStorage();
  const store = keyValueStore(raw);
  const now = 1_000_000;
  store.set(tokenKey('https://a.example/', '1'), { token: 't1', expires: now - 1 });
  store.set(tokenKey('https://a.example/', '2'), { token: 't2', expires: now + 1000 });
  store.set(tokenKey('https://b.example/', '3'), { token: 't3', expires: now - 1 });
  store.set(draftKey('https://a.example/', 's', '/'), { text: 'keep me' });
  store.pruneTokens('https://a.example/', now);
  assert.equal(store.get(tokenKey('https://a.example/', '1')), null);
  assert.equal(store.get(tokenKey('https://a.example/', '2')).token, 't2');
  assert.equal(store.get(tokenKey('https://b.example/', '3')).token, 't3');
  assert.equal(store.get(draftKey('https://a.example/', 's', '/')).text, 'keep me');
});
