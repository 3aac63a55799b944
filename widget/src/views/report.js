// "Report" on someone else's comment: in place of the comment's actions, the reader picks why (spam, abuse, off
// topic, other) and confirms; the moderators hear of it (POST /api/v1/comments/{id}/flag). Part of
// static/extras.js.
import { flagComment } from '../calls.js';
import { h, setText } from '../dom.js';

const REASONS = ['spam', 'abuse', 'off_topic', 'other'];
// The dialog's own look, added to the widget's shadow root the first time (porch.js carries none of it).
const CSS = '.report fieldset{border:0;padding:0;margin:0 0 .5rem}.report legend{font-weight:600;margin-bottom:.25rem}.choice{display:flex;gap:.4rem;align-items:center}.choice input{width:auto}';

/** ctx: {api, t, errorText(error), refresh(id, force), announce(text)}; `actions`: the comment's actions. */
export function report(ctx, c, actions) {
  const { t } = ctx;
  const article = actions.parentNode;
  const name = 'porch-report-' + c.id;
  const error = h('p', { class: 'error', role: 'alert' });
  const back = () => ctx.refresh(c.id, true);
  const choices = REASONS.map((reason, i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: reason, checked: i === 0 }), ' ', t('reason_' + reason)),
  );
  const form = h(
    'form',
    {
      class: 'report',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const reason = [...form.querySelectorAll('input')].find((input) => input.checked).value;
        try {
          await flagComment(ctx.api, c.id, reason);
          back();
          // What stays until the comment is drawn again: a Report button that says it was done.
          const button = [...article.querySelectorAll('.actions button')].find((b) => b.textContent === t('report'));
          if (button) {
            setText(button, t('reported'));
            button.setAttribute('aria-label', t('reported'));
            button.disabled = true;
          }
          article.focus();
          ctx.announce(t('reportThanks'));
        } catch (failure) {
          setText(error, failure.status === 429 ? t('reportLimited') : ctx.errorText(failure));
        }
      },
    },
    h('fieldset', null, h('legend', null, t('reportWhy')), choices),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('report')),
      h('button', { type: 'button', class: 'btn', onclick: () => (back(), article.focus()) }, t('cancel')),
    ),
  );
  if (!ctx.root.querySelector('style.report')) ctx.root.append(h('style', { class: 'report' }, CSS));
  article.dataset.busy = '1';
  actions.replaceChildren(form);
  form.querySelector('input').focus();
}
