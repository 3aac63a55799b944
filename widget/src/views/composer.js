// The "Leave a Reply" form: the text, the guest's name, email and website (kept for next time), the draft
// (kept across reloads), replying in place under a comment, posting and saying what went wrong. It closes with
// "Comments are closed." while the thread is locked, and opens again when it is unlocked, live.
//
// The form has a honeypot, a field named "homepage" that people never meet: off-screen (not display:none, which
// some bots skip), hidden from screen readers, out of the tab order and never autofilled. A bot that fills it
// has its comment stored as spam (server/porch/moderation/spam/honeypot.py).
import { h, setText } from '../dom.js';
import { draftKey, guestKey } from '../storage.js';

/**
 * ctx: {store, state, api, config, root, t (the reader's words, loaded), errorText(error), announce(text),
 * destroyed}; `auth`: signin.js's object; `keep`: the host page's storage.
 */
export function createComposer(ctx, auth, keep) {
  const { store, state, config, root, t } = ctx;
  const draftId = draftKey(config.server, config.site, config.thread);
  let ready = false; // until the form is shown (and any draft restored), there is no draft to save
  const slot = h('div');
  const formTitle = h('h3', { id: 'porch-form-title' });
  const cancelButton = h('button', { type: 'button', class: 'link', hidden: true, onclick: () => cancel(true) }, t('cancelReply'));
  const text = h('textarea', { id: 'porch-text', name: 'text', required: true, rows: 5, oninput: saveDraft });
  const nameInput = h('input', { id: 'porch-name', name: 'name', required: true, autocomplete: 'name', oninput: saveGuest });
  const emailInput = h('input', { id: 'porch-email', name: 'email', type: 'email', autocomplete: 'email', oninput: saveGuest });
  const urlInput = h('input', { id: 'porch-url', name: 'url', type: 'url', autocomplete: 'url', oninput: saveGuest });
  const formError = h('p', { class: 'error', role: 'alert', id: 'porch-form-error' });
  const submitButton = h('button', { type: 'submit', class: 'btn primary' }, t('post'));
  const honeypot = h('input', { name: 'homepage', class: 'hp', 'aria-hidden': 'true', tabindex: '-1', autocomplete: 'off' });
  const field = (key, input, hint) =>
    h('div', { class: 'field' }, h('label', { for: input.id }, t(key), hint && h('span', { class: 'hint' }, ` (${t(hint)})`)), input);
  const guestBox = h(
    'div',
    { class: 'guest' },
    field('name', nameInput, 'required'),
    field('email', emailInput, 'emailHint'),
    field('website', urlInput, 'optional'),
  );
  const form = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'porch-form-title',
      onsubmit: submit,
      onkeydown: (event) => event.key === 'Escape' && state.replyTo && cancel(true),
    },
    h('div', { class: 'formhead' }, formTitle, cancelButton),
    field('comment', text),
    guestBox,
    honeypot,
    formError,
    submitButton,
  );
  const FIELD_FOR_CODE = { text_empty: text, text_too_long: text, name_required: nameInput, invalid_url: urlInput, invalid_email: emailInput };
  const article = (id) => id && root.getElementById('porch-c-' + id);

  function setFormTitle() {
    const parent = state.replyTo && state.thread.get(state.replyTo);
    setText(formTitle, parent ? t('replyTo', { name: (parent.author && parent.author.name) || t('anonymous') }) : t('leaveReply'));
    cancelButton.hidden = !parent;
  }

  function saveDraft() {
    if (!ready) return;
    if (text.value) keep.set(draftId, { text: text.value, parent: state.replyTo });
    else keep.remove(draftId);
  }

  function saveGuest() {
    keep.set(guestKey(config.server), { name: nameInput.value, email: emailInput.value, url: urlInput.value });
  }

  function showError(error) {
    for (const input of [text, nameInput, emailInput, urlInput]) input.removeAttribute('aria-invalid');
    setText(formError, error ? ctx.errorText(error) : '');
    const input = error && FIELD_FOR_CODE[error.code];
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', formError.id);
      input.focus();
    }
  }

  // The form goes under the comment replied to, or back to the end of the thread. Focus in the form (the reader
  // typing when the comment they replied to was deleted) stays in it.
  function placeForm() {
    if (!ready) return;
    const typing = root.activeElement;
    const under = article(state.replyTo);
    under ? under.after(form) : slot.append(form);
    if (typing && form.contains(typing)) typing.focus({ preventScroll: true });
    setFormTitle();
    saveDraft();
  }

  function reply(id, focus = true) {
    if (!article(id)) return;
    store.reply(id);
    if (focus) text.focus();
  }

  function cancel(focusBack) {
    const id = state.replyTo;
    store.reply(null);
    const replied = article(id);
    if (focusBack && replied) replied.querySelector('.actions button').focus();
  }

  async function submit(event) {
    event.preventDefault();
    if (submitButton.disabled) return;
    const guest = auth.guestFields();
    if (!text.value.trim()) return showError({ code: 'text_empty' });
    if (guest && !nameInput.value.trim()) return showError({ code: 'name_required' });
    const body = { site: config.site, thread: config.thread, text: text.value, title: config.title, url: config.url, homepage: honeypot.value };
    if (state.replyTo) body.parent = state.replyTo;
    if (guest) {
      body.author = { name: nameInput.value.trim() };
      if (emailInput.value.trim()) body.author.email = emailInput.value.trim();
      if (urlInput.value.trim()) body.author.url = urlInput.value.trim();
    }
    submitButton.disabled = true;
    setText(submitButton, t('posting'));
    try {
      const { comment, edit_token: token } = await ctx.api.post(body);
      if (ctx.destroyed) return;
      text.value = '';
      showError(null);
      store.reply(null);
      store.posted(comment, token, body.text);
      const posted = article(comment.id);
      if (posted) {
        posted.focus({ preventScroll: true });
        posted.parentNode.scrollIntoView({ block: 'nearest' });
      }
      ctx.announce(t('posted'));
    } catch (error) {
      auth.failed(error);
      showError(error); // the text stays in the box
    } finally {
      submitButton.disabled = false;
      setText(submitButton, t('post'));
    }
  }

  // The form where the thread is open; "Comments are closed." where it is locked.
  function open() {
    const closed = state.info.locked;
    if (closed) {
      store.reply(null);
      form.remove();
    } else if (!ready) show();
    else slot.append(form);
    ctx.say(closed ? t('closed') : '');
  }

  // Once the site is known: the form, with the guest's details and any draft restored.
  function show() {
    keep.pruneTokens(config.server, Date.now());
    auth.slot(state.site, (element) => form.insertBefore(element, guestBox));
    guestBox.hidden = !auth.guestFields();
    const guest = keep.get(guestKey(config.server));
    if (guest) {
      nameInput.value = guest.name || '';
      emailInput.value = guest.email || '';
      urlInput.value = guest.url || '';
    }
    slot.append(form);
    ready = true;
    const draft = keep.get(draftId);
    if (draft && draft.text) {
      text.value = draft.text;
      if (draft.parent) reply(draft.parent, false);
    }
  }

  store.subscribe((change) => (change === 'replyTo' ? placeForm() : change === 'thread' && open()));
  setFormTitle();

  return {
    slot,
    reply,
    saveDraft,
    // Sign-in changed: the guest fields apply only to guests.
    guests() {
      guestBox.hidden = !auth.guestFields();
    },
    /** Shows the form once the site is known, or says that the thread is closed. */
    open,
  };
}
