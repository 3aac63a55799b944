// "Show N more replies" under a root whose replies were cut from its page (a root with more replies than one
// page holds), while any are left to load. Part of static/extras.js: few threads ever need it.
import { h, setText } from '../dom.js';

const find = (ctx, id) => ctx.root.getElementById('porch-c-' + id);

/** ctx: {store, state, root, t, loadInto(button, query, show)}; `id`: the root whose cut changed. */
export function showMoreReplies(ctx, id) {
  const { state } = ctx;
  const article = find(ctx, id);
  const li = article && article.parentNode;
  let button = li && li.querySelector(':scope > .more');
  const cut = state.more.get(id);
  if (!li || !cut) return button && button.remove();
  if (!button) {
    const show = (page) => {
      const focused = ctx.root.activeElement === button;
      const added = ctx.store.replies(id, page);
      // Gone with the last batch: focus goes on to the first reply it brought.
      if (focused && !button.isConnected && added.length) find(ctx, added[0]).focus({ preventScroll: true });
    };
    li.append((button = h('button', { type: 'button', class: 'btn more', onclick: () => ctx.loadInto(button, { root: id, after: state.more.get(id).after }, show) })));
  }
  setText(button, ctx.t('moreReplies', { n: cut.count }));
}
