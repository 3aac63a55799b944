import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactTime, relativeTime } from '../../widget/src/time.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const ago = (ms) => relativeTime(NOW - ms, NOW, 'en');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('relative times pick the largest whole unit', () => {
  assert.equal(ago(0), 'now');
  assert.equal(ago(44 * S), 'now');
  assert.equal(ago(50 * S), '50 seconds ago');
  assert.equal(ago(90 * S), '1 minute ago');
  assert.equal(ago(59 * M + 59 * S), '59 minutes ago');
  assert.equal(ago(2 * H + 5 * M), '2 hours ago');
  assert.equal(ago(D), 'yesterday');
  assert.equal(ago(3 * D), '3 days ago');
  assert.equal(ago(45 * D), 'last month');
  assert.equal(ago(400 * D), 'last year');
  assert.equal(ago(3 * 365 * D), '3 years ago');
});

test('times slightly in the future (clock skew) read naturally', () => {
  assert.equal(relativeTime(NOW + 10 * S, NOW, 'en'), 'now');
  assert.equal(relativeTime(NOW + 5 * M, NOW, 'en'), 'in 5 minutes');
});

test('other languages through Intl', () => {
  assert.equal(relativeTime(NOW - 3 * H, NOW, 'de'), 'vor 3 Stunden');
  assert.equal(relativeTime(NOW - 5 * M, NOW, 'ru'), '5 минут назад');
});

test('exact time is a full date and time', () => {
  const text = exactTime(NOW, 'en');
  assert.match(text, /March 10, 2026/);
  assert.match(text, /\d{1,2}:00/);
});
