// A list of comment rows kept in step with a Queue (store.js): rows are made once per version of a comment
// and moved as little as possible, so a row with focus keeps it while others come and go around it.
import { h } from '../../../widget/src/dom.js';
import { commentRow } from './row.js';

export class RowList {
  /** ctx as commentRow takes it, without `selected`. */
  constructor(ctx) {
    this.ctx = ctx;
    this.el = h('ol', { class: 'rows' });
    this.rows = new Map(); // id -> {comment, selected, el}
  }

  render(queue) {
    const keep = new Set(queue.ids());
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    let cursor = this.el.firstElementChild;
    for (const comment of queue.items) {
      const selected = queue.selected.has(comment.id);
      let row = this.rows.get(comment.id);
      if (row && (row.comment !== comment || row.selected !== selected)) {
        const fresh = this._make(comment, selected);
        const focus = this._focusIn(row.el);
        row.el.replaceWith(fresh.el);
        if (cursor === row.el) cursor = fresh.el;
        row = fresh;
        if (focus) this._refocus(row.el, focus);
      } else if (!row) {
        row = this._make(comment, selected);
      }
      this.rows.set(comment.id, row);
      if (row.el !== cursor) this.el.insertBefore(row.el, cursor);
      else cursor = cursor.nextElementSibling;
    }
  }

  _make(comment, selected) {
    return { comment, selected, el: commentRow(comment, { ...this.ctx, selected, now: Date.now() }) };
  }

  // What had focus inside a row being replaced: its article, a button by action, or the checkbox.
  _focusIn(el) {
    const active = document.activeElement;
    if (!active || !el.contains(active)) return null;
    if (active.dataset && active.dataset.action) return `[data-action="${active.dataset.action}"]`;
    if (active.classList.contains('pick')) return '.pick';
    return 'article';
  }

  _refocus(el, selector) {
    (el.querySelector(selector) || el.querySelector('article')).focus();
  }

  article(id) {
    const row = this.rows.get(id);
    return row ? row.el.querySelector('article') : null;
  }

  /** The id of the row holding focus, or null. */
  focusedId() {
    const active = document.activeElement;
    const li = active && active.closest ? active.closest('li.row') : null;
    return li && this.el.contains(li) ? li.dataset.id : null;
  }

  focus(id) {
    const article = this.article(id);
    if (!article) return false;
    article.focus();
    article.scrollIntoView({ block: 'nearest' });
    return true;
  }

  busy(id, on) {
    const row = this.rows.get(id);
    if (!row) return;
    row.el.setAttribute('aria-busy', on ? 'true' : 'false');
    // A disabled button drops focus to the page: hold it on the row instead.
    if (on && row.el.contains(document.activeElement) && document.activeElement.tagName === 'BUTTON') {
      row.el.querySelector('article').focus();
    }
    for (const button of row.el.querySelectorAll('.actions button')) button.disabled = on;
  }

  error(id, message) {
    const row = this.rows.get(id);
    if (row) row.el.querySelector('.error').textContent = message;
  }
}
