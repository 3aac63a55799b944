// The reader's own comment, while its edit window is open: the editor in place of its text, and the delete
// confirmation in place of its actions. Both leave the comment as it was on Cancel / Keep.
import { deleteComment, editComment } from '../calls.js';
import { h, setText } from '../dom.js';

/** ctx: {store, api, t, errorText(error), root, refresh(id, force): redraws a comment as the store has it}. */
export function startEdit(ctx, c, article) {
  const { store, t, refresh } = ctx;
  const saved = store.token(c.id);
  if (!saved) return refresh(c.id, true);
  const id = 'porch-edit-' + c.id;
  const box = h('textarea', { id, rows: 4 });
  box.value = saved.text || '';
  const error = h('p', { class: 'error', role: 'alert' });
  const cancel = () => {
    refresh(c.id, true);
    article.focus();
  };
  const editor = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const { comment } = await editComment(ctx.api, c.id, box.value, saved.token);
          store.edited(comment, box.value);
          article.focus();
        } catch (failure) {
          setText(error, ctx.errorText(failure));
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: id }, t('editLabel')), box),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('save')),
      h('button', { type: 'button', class: 'btn', onclick: cancel }, t('cancel')),
    ),
  );
  const actions = article.lastChild;
  article.dataset.busy = '1';
  article.querySelector('.body').replaceWith(editor);
  actions.hidden = true;
  box.focus();
}

export function confirmDelete(ctx, c, actions) {
  const { store, t, refresh } = ctx;
  const saved = store.token(c.id);
  if (!saved) return refresh(c.id, true);
  const error = h('span', { class: 'error', role: 'alert' });
  const keep = h('button', { type: 'button', class: 'btn', onclick: () => refresh(c.id, true) }, t('keep'));
  const yes = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      onclick: async () => {
        try {
          await deleteComment(ctx.api, c.id, saved.token);
          store.deleted(c.id);
          ctx.root.getElementById('porch-heading').focus(); // the comment (and the focused button) may be gone
        } catch (failure) {
          setText(error, ctx.errorText(failure));
        }
      },
    },
    t('delete'),
  );
  actions.parentNode.dataset.busy = '1';
  actions.replaceChildren(h('span', null, t('confirmDelete')), yes, keep, error);
  keep.focus();
}
