// The reader's own side of the thread, part of static/extras.js: their comments that await moderation, seen
// again after a reload (a guest's through the edit tokens this browser keeps, a signed-in author's on any
// device), and a moderator's tools (views/moderate.js) when the signed-in reader moderates this site.
import { moderatorOf, ownComment, ownPending } from '../calls.js';
import { installTools, removeTools } from './moderate.js';

/** ctx: {store, state, api, config}. Runs after the first page, and again when the reader signs in or out. */
export async function mine(ctx) {
  const { store, api, state, config } = ctx;
  for (const { id, token } of store.held()) {
    try {
      const { comment } = await ownComment(api, id, token);
      if (comment.status === 'pending') store.pending(comment);
      else forget(store, id); // approved (the thread has it now) or gone
    } catch (error) {
      if (error.status === 403 || error.status === 404) forget(store, id); // not theirs, or no more
    }
  }
  if (!state.user) return removeTools(ctx);
  try {
    for (const c of (await ownPending(api, config.site, config.thread)).comments) store.pending(c);
    const me = await moderatorOf(api);
    if (me.moderator && state.user) installTools(ctx);
  } catch {
    // A reader's session that moderates nothing is 200 {moderator: false}; a failure here changes nothing shown.
  }
}

function forget(store, id) {
  store.held(store.held().filter((x) => x.id !== id));
}
