import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, serverBase, validLang } from '../../widget/src/config.js';

const page = {
  href: 'https://blog.example.com/posts/hello?ref=x#comments',
  pathname: '/posts/hello',
  title: 'Hello world',
  canonical: '',
  lang: 'en-GB',
  server: 'https://comments.example.com/',
};

test('every attribute has a default', () => {
  assert.deepEqual(
    { ...parseConfig({ site: 'blog' }, page) },
    {
      server: 'https://comments.example.com/',
      site: 'blog',
      thread: '/posts/hello',
      title: 'Hello world',
      url: 'https://blog.example.com/posts/hello?ref=x',
      theme: 'auto',
      lang: 'en-GB',
      sort: 'oldest',
      target: '',
    },
  );
});

test('attributes override the defaults; unknown theme and sort values fall back', () => {
  const config = parseConfig(
    { site: ' blog ', thread: 'post-1', title: 'T', url: 'https://x.example/p', theme: 'dark', lang: 'de', sort: 'newest', target: '#c' },
    page,
  );
  assert.equal(config.site, 'blog');
  assert.equal(config.thread, 'post-1');
  assert.equal(config.title, 'T');
  assert.equal(config.url, 'https://x.example/p');
  assert.equal(config.theme, 'dark');
  assert.equal(config.lang, 'de');
  assert.equal(config.sort, 'newest');
  assert.equal(config.target, '#c');
  const odd = parseConfig({ site: 'b', theme: 'purple', sort: 'random', lang: 'not a tag!!' }, page);
  assert.equal(odd.theme, 'auto');
  assert.equal(odd.sort, 'oldest');
  assert.equal(odd.lang, 'en');
  assert.ok(Object.isFrozen(odd));
});

test('the canonical link wins over the page URL; no page lang means English', () => {
  const config = parseConfig({ site: 'b' }, { ...page, canonical: 'https://blog.example.com/hello', lang: '' });
  assert.equal(config.url, 'https://blog.example.com/hello');
  assert.equal(config.lang, 'en');
});

test('the server is where porch.js came from, including a sub-path', () => {
  assert.equal(serverBase('https://c.example.com/porch.js', page.href), 'https://c.example.com/');
  assert.equal(serverBase('https://c.example.com/comments/porch.js?v=3', page.href), 'https://c.example.com/comments/');
  assert.equal(serverBase('/porch.js', 'http://localhost:8000/a/b'), 'http://localhost:8000/');
  assert.equal(parseConfig({ site: 'b', server: 'https://other.example/sub' }, page).server, 'https://other.example/sub/');
});

test('validLang canonicalises tags', () => {
  assert.equal(validLang('EN-us'), 'en-US');
  assert.equal(validLang('zz-!!'), 'en');
});
