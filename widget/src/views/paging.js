// Reading on past the first page, part of static/extras.js (few readers need it): "Load more comments",
// "Show N more replies" under a root whose replies were cut from its page (one with more replies than a page
// holds), and another sort.
import { h, setText } from '../dom.js';

const find = (ctx, id) => ctx.root.getElementById('porch-c-' + id);

// Loads a page for a "more" button (disabled meanwhile) and shows it, unless the thread was reloaded since.
async function loadInto(ctx, button, query, show) {
  const shown = ctx.state.thread;
  button.disabled = true;
  try {
    const page = await ctx.load(query);
    if (!ctx.destroyed && ctx.state.thread === shown) show(page);
  } catch (error) {
    ctx.say(ctx.errorText(error));
  } finally {
    button.disabled = false;
  }
}

/** "Load more comments": the next page of top-level comments. */
export function loadMore(ctx, button) {
  return loadInto(ctx, button, undefined, ctx.store.loaded);
}

/** Another sort: the thread starts again from its first page in that order. */
export async function sortBy(ctx, sort) {
  ctx.store.resort(sort);
  try {
    ctx.store.loaded(await ctx.load(), true);
  } catch (error) {
    ctx.say(ctx.errorText(error));
  }
}

/** "Show N more replies" under root `id`, while any of its replies are left to load; gone after the last. */
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
    li.append((button = h('button', { type: 'button', class: 'btn more', onclick: () => loadInto(ctx, button, { root: id, after: state.more.get(id).after }, show) })));
  }
  setText(button, ctx.t('moreReplies', { n: cut.count }));
}
