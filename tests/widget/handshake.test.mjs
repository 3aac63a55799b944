import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchLogin } from '../../widget/src/handshake.js';

const ORIGIN = 'https://comments.example.com';
const LOGIN = { login: 'L1', secret: 's3cret', url: ORIGIN + '/auth/x/start?login=L1' };

// A login watched with stand-ins: the page's events, the popup, the redeem call and the clock.
function setup({ answer = async (code) => ({ token: 'tok-' + code, user: { name: 'Ada' } }) } = {}) {
  const events = new EventTarget();
  const popup = { closed: false };
  const redeemed = [];
  const states = [];
  let clock = 1000;
  const login = watchLogin({
    login: LOGIN,
    origin: ORIGIN,
    popup,
    events,
    now: () => clock,
    redeem: (code) => (redeemed.push(code), answer(code)),
    onChange: (self) => states.push([self.state, self.error && self.error.code]),
  });
  const post = (origin, data) => events.dispatchEvent(Object.assign(new Event('message'), { origin, data }));
  const focus = () => events.dispatchEvent(new Event('focus'));
  const later = (ms) => (clock += ms);
  return { login, popup, redeemed, states, post, focus, later };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const refuse = (code, status) => Object.assign(new Error(code), { code, status });

test('the code the popup posts is redeemed; messages from elsewhere or for another login are not', async () => {
  const { login, redeemed, post } = setup();
  post('https://evil.example', { type: 'porch:signed-in', login: 'L1', code: 'FROM-EVIL' });
  post(ORIGIN, { type: 'porch:signed-in', login: 'L2', code: 'OTHER-LOGIN' });
  post(ORIGIN, null);
  await settle();
  assert.deepEqual(redeemed, []);
  assert.equal(login.state, 'popup');
  post(ORIGIN, { type: 'porch:signed-in', login: 'L1', code: 'ABCDE12345' });
  await settle();
  assert.deepEqual(redeemed, ['ABCDE12345']);
  assert.equal(login.state, 'done');
  assert.deepEqual(login.session, { token: 'tok-ABCDE12345', user: { name: 'Ada' } });
});

test('a popup gone without a message asks for the code and never redeems without one', async () => {
  const { login, popup, redeemed, states, focus } = setup();
  focus();
  assert.equal(login.state, 'popup', 'the popup is still out');
  popup.closed = true; // closed, or cut off from this page by the provider's isolation policy
  focus();
  await settle();
  assert.equal(login.state, 'code');
  assert.deepEqual(redeemed, [], 'nothing is redeemed until the reader types the code');
  login.submit('abcde-12345');
  await settle();
  assert.deepEqual(redeemed, ['abcde-12345']);
  assert.equal(login.state, 'done');
  assert.deepEqual(states, [['code', null], ['done', null]]);
});

test('a mistyped code may be typed again; a wrong one ends the login', async () => {
  const answers = [refuse('code_malformed', 422), refuse('invalid_code', 403)];
  const { login, popup, redeemed, focus } = setup({ answer: async () => Promise.reject(answers.shift()) });
  popup.closed = true;
  focus();
  login.submit('ABCDE-1234X');
  await settle();
  assert.equal(login.state, 'code');
  assert.equal(login.error.code, 'code_malformed');
  login.submit('ABCDE-12346');
  await settle();
  assert.equal(login.state, 'failed');
  assert.equal(login.error.code, 'invalid_code');
  login.submit('ABCDE-12345');
  await settle();
  assert.deepEqual(redeemed, ['ABCDE-1234X', 'ABCDE-12346'], 'nothing more is sent for a login that ended');
});

test('a failure the popup reports ends the login', async () => {
  const { login, redeemed, post } = setup();
  post(ORIGIN, { type: 'porch:sign-in-failed', login: 'L1', error: 'provider_refused' });
  assert.equal(login.state, 'failed');
  assert.equal(login.error.code, 'provider_refused');
  post(ORIGIN, { type: 'porch:signed-in', login: 'L1', code: 'ABCDE12345' });
  await settle();
  assert.deepEqual(redeemed, [], 'a stopped login hears nothing more');
});

test('a login the server has forgotten ends on its own', () => {
  const { login, later, focus } = setup();
  later(600001);
  focus();
  assert.equal(login.state, 'failed');
  assert.equal(login.error.code, 'login_expired');
});
