import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import core from '../../widget/src/lang/en.js';
import extras from '../../widget/src/lang/en-extras.js';
import signIn from '../../widget/src/lang/en-signin.js';
import { LANGUAGES, loadTranslator, packFor, translator } from '../../widget/src/i18n.js';

const STATIC = new URL('../../static/', import.meta.url);
// Every English word: porch.js's own and those that the parts loaded on demand bring along.
const en = { ...core, ...signIn, ...extras };

test('English plurals and placeholders', () => {
  const t = translator('en', null);
  assert.equal(t('comments', { n: 0 }), '0 Comments');
  assert.equal(t('comments', { n: 1 }), '1 Comment');
  assert.equal(t('comments', { n: 1234 }), '1,234 Comments');
  assert.equal(t('replyTo', { name: 'Ada' }), 'Leave a Reply to Ada');
  assert.equal(t('replyTo', {}), 'Leave a Reply to {name}');
  assert.equal(t('no_such_key'), 'no_such_key');
});

test('Russian uses its four plural forms', async () => {
  const ru = (await import('../../widget/src/lang/ru.js')).default;
  const t = translator('ru', ru);
  assert.equal(t('comments', { n: 1 }), '1 комментарий');
  assert.equal(t('comments', { n: 3 }), '3 комментария');
  assert.equal(t('comments', { n: 5 }), '5 комментариев');
  assert.equal(t('comments', { n: 21 }), '21 комментарий');
  assert.equal(t('comments', { n: 1.5 }), '1,5 комментария');
});

test('a language with no pack falls back to English words but keeps its number format', () => {
  const t = translator('de', null);
  assert.equal(t('comments', { n: 1000 }), '1.000 Comments');
});

test('packFor picks the primary language', () => {
  assert.equal(packFor('de-AT'), 'de');
  assert.equal(packFor('FR'), 'fr');
  assert.equal(packFor('es_MX'), 'es');
  assert.equal(packFor('en-GB'), null);
  assert.equal(packFor('ja'), null);
  assert.equal(packFor(''), null);
});

for (const lang of LANGUAGES) {
  test(`the ${lang} pack has every English key and every plural form its language needs`, async () => {
    const pack = (await import(`../../widget/src/lang/${lang}.js`)).default;
    assert.deepEqual(Object.keys(pack).sort(), Object.keys(en).sort());
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, value] of Object.entries(pack)) {
      const english = en[key];
      if (typeof english === 'object') {
        for (const category of categories) assert.ok(value[category], `${lang}.${key}.${category}`);
      } else {
        assert.equal(typeof value, 'string', `${lang}.${key}`);
        const wanted = (english.match(/\{\w+\}/g) || []).sort();
        assert.deepEqual((value.match(/\{\w+\}/g) || []).sort(), wanted, `placeholders of ${lang}.${key}`);
      }
    }
  });
}

async function staticServer(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}

test('packs are fetched from the server on demand, and a failure means English', async () => {
  const requests = [];
  const { server, base } = await staticServer(async (req, res) => {
    requests.push(req.url);
    const match = req.url.match(/^\/static\/i18n\/(\w+)\.json$/);
    if (!match || match[1] === 'fr') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(await readFile(join(STATIC.pathname, 'i18n', `${match[1]}.json`)));
  });
  try {
    const de = await loadTranslator('de-DE', base);
    assert.equal(de('comments', { n: 2 }), '2 Kommentare');
    const fr = await loadTranslator('fr', base);
    assert.equal(fr('comments', { n: 2 }), '2 Comments');
    const english = await loadTranslator('en', base);
    assert.equal(english('post'), 'Post Comment');
    assert.deepEqual(requests, ['/static/i18n/de.json', '/static/i18n/fr.json']);
  } finally {
    server.close();
  }
});

test('a part loaded on demand brings its English words, and English readers see them', async () => {
  const { addWords: add } = await import('../../widget/src/i18n.js');
  const t = translator('en', null);
  assert.equal(t('signInWith', { name: 'GitHub' }), 'signInWith', 'the sign-in words are not in porch.js');
  add(signIn);
  assert.equal(t('signInWith', { name: 'GitHub' }), 'Sign in with GitHub');
  const de = translator('de', (await import('../../widget/src/lang/de.js')).default);
  assert.equal(de('logOut'), 'Abmelden', 'a language pack still wins');
});
