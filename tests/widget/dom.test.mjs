import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeHref } from '../../widget/src/dom.js';

test('author links are only ever http(s)', () => {
  assert.equal(safeHref('https://ada.example/me', 'https://c.example/'), 'https://ada.example/me');
  assert.equal(safeHref('http://ada.example', 'https://c.example/'), 'http://ada.example/');
  assert.equal(safeHref('/avatar/ab.svg', 'https://c.example/porch/'), 'https://c.example/avatar/ab.svg');
  for (const hostile of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:x', 'file:///etc/passwd']) {
    assert.equal(safeHref(hostile, 'https://c.example/'), null, hostile);
  }
  assert.equal(safeHref('http://[bad', 'https://c.example/'), null);
});
