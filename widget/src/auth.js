// Sign-in (issue 5). The widget asks this module for headers to send with API calls ("Authorization: Bearer"),
// for an element to show above the guest fields ("Sign in with …" / "You are commenting as …"), and whether the
// guest fields apply. It is built on its own into static/auth.js (auth-entry.js), which porch.js loads only for
// sites that offer sign-in or readers who have a session (signin.js).
//
// No cookie of the Porch server is involved. Signing in is a handshake (handshake.js): ask the server for a
// login (an id and a secret only we know), open the popup at its start URL, and redeem the login with the secret
// and the one-time code the popup posts back (accepted only from the server's origin and for this login). A
// provider may cut the popup's link to us; the popup then shows the code, and we ask the reader to type it
// here. The session is kept in the host page's localStorage, per server and site.
import { auth as call } from './calls.js';
import { h, safeHref, setText } from './dom.js';
import { watchLogin } from './handshake.js';
import words from './lang/en-signin.js';
import { sessionKey } from './storage.js';

export function createAuth({ server, site, store, api, t, addWords, onChange }) {
  addWords(words);
  const origin = new URL(server).origin;
  const key = sessionKey(server, site);
  let session = store.get(key); // {token, user}
  let providers = [];
  let guests = true;
  let pending = null; // the handshake of the login waiting for its popup (handshake.js)
  let codeField = null; // where the reader types the code the popup shows; kept while they type
  const box = h('div', { class: 'auth' });
  const note = h('p', { class: 'error', role: 'alert' });

  function say(error) {
    const code = error && 'err_' + error.code;
    const text = code && t(code);
    setText(note, !error ? '' : text !== code ? text : error.message || t('signInFailed'));
  }

  function setSession(value) {
    session = value;
    value ? store.set(key, value) : store.remove(key);
    render();
    onChange();
  }

  function stop() {
    if (!pending) return;
    pending.stop();
    pending = null;
    render();
  }

  // The current login's handshake moved on: a session, an error, or something else to show.
  function update(login) {
    if (login !== pending) return; // a login the reader has since given up on
    if (login.state === 'done') {
      pending = null;
      say(null);
      return setSession(login.session);
    }
    if (login.state === 'failed') stop();
    else if (login.state === 'code' && !box.contains(codeField)) render();
    say(login.error);
    if (login.state !== 'code' || !codeField) return;
    codeField.querySelector('button').disabled = false;
    if (login.error) codeField.querySelector('input').focus(); // a mistyped code: type it again
  }

  async function signIn(provider, instance) {
    say(null);
    stop();
    // Opened inside the click so that popup blockers allow it; sent on once the server has answered.
    const popup = window.open('', 'porch-sign-in', 'popup,width=520,height=680');
    let login;
    try {
      login = await call(api(), 'auth/login', { site, provider: provider.id, instance: instance || null });
    } catch (error) {
      if (popup) popup.close();
      return say(error);
    }
    if (!popup || popup.closed) return say({ code: 'popup_blocked' });
    popup.location.href = login.url;
    codeField = null;
    pending = watchLogin({
      login,
      origin,
      popup,
      redeem: (code) => call(api(), 'auth/redeem', { login: login.login, secret: login.secret, code }),
      onChange: update,
    });
    render();
  }

  function signOut() {
    const done = call(api(), 'auth/logout', { site }); // sent with the session's header, read right now
    setSession(null);
    return done.catch(() => {});
  }

  // ---- what the reader sees -------------------------------------------------------------------------------
  function button(provider, input) {
    const go = () => (!input || input.value.trim() ? signIn(provider, input && input.value.trim()) : input.focus());
    return h('button', { type: 'button', class: 'btn', onclick: go }, t('signInWith', { name: provider.name }));
  }

  function providerControl(provider) {
    if (!provider.input) return button(provider);
    const id = 'porch-auth-' + provider.id;
    const input = h('input', { id, type: provider.input === 'website' ? 'url' : 'text' });
    const go = button(provider, input);
    // Enter signs in here instead of posting the comment form.
    input.onkeydown = (event) => event.key === 'Enter' && (event.preventDefault(), go.click());
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, t(provider.input === 'website' ? 'yourWebsite' : 'yourInstance')),
      h('div', { class: 'actions' }, input, go),
    );
  }

  // The popup could not reach this page and shows the code instead: the reader types it here.
  function codeControl() {
    const id = 'porch-auth-code';
    const input = h('input', {
      id,
      type: 'text',
      autocomplete: 'one-time-code',
      autocapitalize: 'characters',
      spellcheck: 'false',
      maxlength: '24',
      size: '14',
    });
    const go = h('button', { type: 'button', class: 'btn' }, t('useCode'));
    go.onclick = () => {
      if (!input.value.trim()) return input.focus();
      go.disabled = true;
      say(null);
      pending.submit(input.value);
    };
    // Enter signs in here instead of posting the comment form.
    input.onkeydown = (event) => event.key === 'Enter' && (event.preventDefault(), go.click());
    return h('div', { class: 'field' }, h('label', { for: id }, t('enterCode')), h('div', { class: 'actions' }, input, go));
  }

  function render() {
    box.replaceChildren();
    if (session) {
      const { name, url } = session.user;
      const href = url && safeHref(url, server);
      const [before, after] = t('commentingAs').split('{name}');
      const change = () => {
        signOut();
        const first = box.querySelector('input, button');
        if (first) first.focus();
      };
      box.append(
        h(
          'p',
          null,
          before,
          href ? h('a', { href, rel: 'nofollow noopener noreferrer' }, name) : h('strong', null, name),
          after + ' ',
          h('button', { type: 'button', class: 'link', onclick: signOut }, t('logOut')),
          ' / ',
          h('button', { type: 'button', class: 'link', onclick: change }, t('change')),
        ),
      );
    } else {
      box.append(h('div', { class: 'actions' }, providers.map(providerControl)));
      if (pending && pending.state === 'code') box.append(codeField || (codeField = codeControl()));
      else if (pending) box.append(h('p', { class: 'note', role: 'status' }, t('finishInPopup')));
    }
    box.append(note);
  }

  return {
    headers: () => (session ? { Authorization: 'Bearer ' + session.token } : {}),
    // Called once the site is known (GET /api/v1/sites/SITE): the element for the top of the form, or null.
    slot(info) {
      providers = (info && info.providers) || [];
      guests = !(info && info.guests === false);
      if (!session && !providers.length) return null;
      render();
      // A kept session may have been revoked or have expired meanwhile.
      if (session) call(api(), 'me?site=' + encodeURIComponent(site)).catch((error) => session && this.failed(error));
      return box;
    },
    guestFields: () => !session && guests,
    // An API call failed: a refused session token means the reader is signed out.
    failed(error) {
      if (error && error.status === 401 && error.code === 'invalid_token') setSession(null);
    },
    destroy: stop,
  };
}
