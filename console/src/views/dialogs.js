// Modal questions: "Delete?" and the ban form. A native <dialog> opened with showModal() keeps focus inside,
// closes on Escape, and gives focus back to whatever had it when it closes.
import { banDays } from '../actions.js';
import { h } from '../../../widget/src/dom.js';

let serial = 0;

function modal(title, build) {
  const id = `dlg-${++serial}`;
  return new Promise((resolve) => {
    const returnTo = document.activeElement;
    let answer = null;
    const dialog = h('dialog', { 'aria-labelledby': `${id}-t`, class: 'dialog' });
    const finish = (value) => {
      answer = value;
      dialog.close();
    };
    dialog.append(h('h2', { id: `${id}-t` }, title), ...build(finish, id));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Resolves true when the moderator confirms deleting `count` comments. */
export function confirmDelete(count, name) {
  const what = count === 1 ? `the comment by ${name}` : `${count} comments`;
  return modal(count === 1 ? 'Delete this comment?' : `Delete ${count} comments?`, (finish) => {
    // Focus starts on Delete: the moderator asked for it; Escape or Cancel step back.
    const yes = h('button', { type: 'button', class: 'btn danger strong', autofocus: true, onclick: () => finish(true) }, 'Delete');
    return [
      h('p', null, `Deleting ${what} erases the words everywhere; it cannot be undone. To hide a comment and keep it restorable, mark it as spam instead.`),
      h('div', { class: 'actions end' }, h('button', { type: 'button', class: 'btn', onclick: () => finish(false) }, 'Cancel'), yes),
    ];
  }).then((answer) => answer === true);
}

/** Resolves {days, reason, purge} for a ban of the comment's author, or null when cancelled. */
export function askBan(name) {
  return modal(`Ban ${name}?`, (finish, id) => {
    const days = h('input', { id: `${id}-days`, name: 'days', autofocus: true, inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off', 'aria-describedby': `${id}-days-hint` });
    const reason = h('input', { id: `${id}-reason`, name: 'reason', autocomplete: 'off', maxlength: '500' });
    const purge = h('input', { id: `${id}-purge`, name: 'purge', type: 'checkbox' });
    const error = h('p', { class: 'error', role: 'alert', id: `${id}-err` });
    const form = h(
      'form',
      {
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          try {
            finish({ days: banDays(days.value), reason: reason.value.trim(), purge: purge.checked });
          } catch {
            error.textContent = 'Days must be a whole number from 1, or empty for a ban without end.';
            days.setAttribute('aria-invalid', 'true');
            days.focus();
          }
        },
      },
      h('p', null, 'Their new comments will be refused. A guest is recognised by their e-mail address and network address.'),
      h('div', { class: 'field' }, h('label', { for: days.id }, 'Days'), days, h('span', { class: 'hint', id: `${id}-days-hint` }, 'Empty: until the ban is lifted.')),
      h('div', { class: 'field' }, h('label', { for: reason.id }, 'Reason ', h('span', { class: 'hint' }, '(for the log)')), reason),
      h(
        'div',
        { class: 'check' },
        purge,
        h('label', { for: purge.id }, 'Also mark all their comments on this site as spam ', h('span', { class: 'hint' }, '(for a guest, that is every guest comment from their e-mail address or network address)')),
      ),
      error,
      h('div', { class: 'actions end' }, h('button', { type: 'button', class: 'btn', onclick: () => finish(null) }, 'Cancel'), h('button', { type: 'submit', class: 'btn danger strong' }, 'Ban')),
    );
    return [form];
  });
}
