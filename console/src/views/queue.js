// A queue tab (Pending, Reported, Spam, All) or one thread: its heading, search, bulk bar, rows and "Load more".
import { BULK, LABELS } from '../actions.js';
import { h } from '../../../widget/src/dom.js';
import { RowList } from './list.js';

const EMPTY = {
  pending: 'No comments are waiting for review.',
  flagged: 'No reported comments.',
  spam: 'No spam.',
  all: 'No comments yet.',
  thread: 'No comments in this thread.',
};

/**
 * opts: {title, route, header (extra elements under the heading), search (bool), onSearch(q), onBulk(action),
 * onSelectAll(on), onMore(), rowCtx (see RowList)}. Returns {el, list, update(queue, state)}.
 */
export function listView(opts) {
  const list = new RowList(opts.rowCtx);
  const title = h('h2', { id: 'view-title', tabindex: '-1' }, opts.title);
  const note = h('p', { class: 'note', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn more', hidden: true, onclick: opts.onMore }, 'Load more');

  const search = opts.search
    ? (() => {
        const input = h('input', { id: 'q', name: 'q', type: 'search', value: opts.route.q || '', autocomplete: 'off' });
        return h(
          'form',
          {
            role: 'search',
            class: 'search',
            onsubmit: (event) => {
              event.preventDefault();
              opts.onSearch(input.value.trim());
            },
          },
          h('label', { for: 'q' }, 'Search text and names'),
          h('div', { class: 'inline' }, input, h('button', { type: 'submit', class: 'btn' }, 'Search')),
        );
      })()
    : null;

  const all = h('input', { type: 'checkbox', id: 'pick-all', onchange: (event) => opts.onSelectAll(event.target.checked) });
  const picked = h('span', { class: 'note', 'aria-live': 'polite' });
  const bulkButtons = BULK.map((action) =>
    h('button', { type: 'button', class: `btn${action === 'delete' ? ' danger' : ''}`, disabled: true, onclick: () => opts.onBulk(action) }, `${LABELS[action]} selected`),
  );
  const bulk = h(
    'div',
    { class: 'bulk', role: 'group', 'aria-label': 'Bulk actions' },
    h('span', { class: 'check' }, all, h('label', { for: 'pick-all' }, 'Select all')),
    picked,
    h('div', { class: 'actions' }, bulkButtons),
  );

  const el = h('section', { class: 'view', 'aria-labelledby': 'view-title' }, title, opts.header || null, search, bulk, note, list.el, more);

  function update(queue, { loading = false, error = '' } = {}) {
    list.render(queue);
    const count = queue.selected.size;
    picked.textContent = count ? `${count} selected` : '';
    for (const button of bulkButtons) button.disabled = count === 0;
    all.checked = count > 0 && count === queue.size;
    all.indeterminate = count > 0 && count < queue.size;
    all.disabled = queue.size === 0;
    bulk.hidden = queue.size === 0 && count === 0;
    more.hidden = !queue.next || loading;
    note.textContent = error || (loading ? 'Loading…' : queue.size ? '' : opts.route.q ? 'Nothing matches this search.' : EMPTY[opts.route.view] || '');
    note.classList.toggle('error', Boolean(error));
  }

  return { el, list, update, title };
}
