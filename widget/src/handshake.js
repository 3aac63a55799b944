// One login's way back from the sign-in popup, without the DOM (auth.js draws it). The popup posts the login's
// one-time code to this page; where a provider's isolation policy cut the popup's link to us, it shows the code
// instead, for the reader to type here. Either way the login is redeemed with its secret and that code, never
// with the secret alone: whoever started a login may have sent its popup to someone else (docs/sign-in.md).
//
// States: 'popup' (waiting for the popup's message), 'code' (the popup is out of reach: ask for the code),
// 'done' (signed in: `session`), 'failed' (this login is over: `error`). `error` may also be set in 'code', for
// a mistyped code that the reader may type again.
const POLL_MS = 1000;
const LOGIN_MS = 600000; // the server forgets a login after 10 minutes

export function watchLogin({ login, origin, popup, redeem, onChange, events = globalThis, now = Date.now }) {
  const started = now();
  let busy = false;
  const self = { state: 'popup', error: null, session: null, submit: (typed) => use(typed, true), stop };

  function set(state, error = null, session = null) {
    if (state === 'done' || state === 'failed') stop();
    Object.assign(self, { state, error, session });
    onChange(self);
  }

  async function use(code, typed) {
    if (busy || self.state === 'done' || self.state === 'failed') return;
    busy = true;
    try {
      const session = await redeem(String(code));
      busy = false;
      set('done', null, session);
    } catch (error) {
      busy = false;
      // The server caught a typo by the code's check symbol, before comparing it: nothing is used up.
      if (typed && error && error.code === 'code_malformed') set('code', error);
      else set('failed', error);
    }
  }

  function onMessage({ origin: from, data }) {
    if (from !== origin || !data || data.login !== login.login) return;
    if (data.type === 'porch:signed-in') use(data.code, false);
    else if (data.type === 'porch:sign-in-failed') set('failed', { code: data.error });
  }

  // The popup looks closed from here once it is gone, and also once an isolation policy has cut its link to
  // this page (it is then still open, and will show the code): either way no message can arrive any more.
  function check() {
    if (self.state !== 'popup' && self.state !== 'code') return;
    if (now() - started > LOGIN_MS) set('failed', { code: 'login_expired' });
    else if (self.state === 'popup' && !busy && popup.closed) set('code');
  }

  const timer = setInterval(check, POLL_MS);
  events.addEventListener('message', onMessage);
  events.addEventListener('focus', check);

  function stop() {
    clearInterval(timer);
    events.removeEventListener('message', onMessage);
    events.removeEventListener('focus', check);
  }

  return self;
}
