// A moderator's tools in the widget, for the site their widget session moderates: Delete and Pin / Unpin on
// every comment, Lock / Unlock for the thread, through the moderation API with the reader's own session
// (Authorization: Bearer; the server accepts it from the site's origins only). What they do reaches this page
// as it reaches every reader's: live. Part of static/extras.js; views/mine.js installs them once
// GET /api/v1/admin/me says the session moderates this site, and takes them away on signing out.
import { lockThread, moderate } from '../calls.js';
import { h, setText } from '../dom.js';

// Every comment drawn again, so that the tools come or go.
const redraw = (ctx) => ctx.state.thread.byId.forEach((c, id) => ctx.refresh(id));

function act(ctx, work) {
  return work().catch((error) => ctx.say(ctx.errorText(error)));
}

function tools(ctx, c, actions) {
  const { t, api } = ctx;
  if (c.status === 'deleted') return;
  const confirm = () => {
    const keep = h('button', { type: 'button', class: 'btn', onclick: () => ctx.refresh(c.id, true) }, t('keep'));
    // The comment goes when its deletion arrives live, as on every reader's page.
    const yes = h('button', { type: 'button', class: 'btn', onclick: () => (ctx.refresh(c.id, true), act(ctx, () => moderate(api, c.id, { status: 'deleted' }))) }, t('delete'));
    actions.parentNode.dataset.busy = '1';
    actions.replaceChildren(h('span', null, t('confirmDelete')), yes, keep);
    keep.focus();
  };
  actions.append(
    h('button', { type: 'button', class: 'link', onclick: () => act(ctx, () => moderate(api, c.id, { pinned: !c.pinned })) }, t(c.pinned ? 'unpin' : 'pin')),
    h('button', { type: 'button', class: 'link', 'aria-label': t('moderatorDelete'), onclick: confirm }, t('delete')),
  );
}

export function installTools(ctx) {
  if (ctx.tools) return;
  const { t, state, config } = ctx;
  const lock = (ctx.lockButton ||= h('button', {
    type: 'button',
    class: 'btn',
    onclick: () => act(ctx, () => lockThread(ctx.api, config.site, config.thread, !state.info.locked)),
  }));
  const label = () => setText(lock, t(state.info.locked ? 'unlockThread' : 'lockThread'));
  if (!ctx.lockWatched) ctx.store.subscribe((change) => change === 'thread' && label());
  ctx.lockWatched = true;
  label();
  ctx.root.querySelector('.bar').append(lock);
  ctx.tools = (c, actions) => tools(ctx, c, actions);
  redraw(ctx);
}

export function removeTools(ctx) {
  if (!ctx.tools) return;
  ctx.tools = null;
  ctx.lockButton.remove();
  redraw(ctx);
}
