// The API calls of the parts porch.js loads on demand (auth.js, extras.js), over api.js's `call`, so that
// porch.js carries only the calls every reader makes. `api` is what createApi returns.

const comment = (id) => `api/v1/comments/${encodeURIComponent(id)}`;
const proof = (token) => ({ 'X-Edit-Token': token });

/** Changes the text of one's own comment, proven by its edit token (a signed-in author's session is sent too). */
export const editComment = (api, id, text, token) => api.call('PATCH', comment(id), { body: { text }, headers: proof(token) });

export const deleteComment = (api, id, token) => api.call('DELETE', comment(id), { headers: proof(token) });

/** One's own comment whatever its status (one awaiting moderation): {comment}; 403/404 when not theirs or gone. */
export const ownComment = (api, id, token) => api.call('GET', comment(id), { headers: proof(token) });

/** The signed-in reader's comments of a thread that await moderation: {comments}. */
export const ownPending = (api, site, thread) => api.call('GET', 'api/v1/comments/mine', { query: { site, thread } });

/** Reports a comment to the moderators: reason "spam", "abuse", "off_topic" or "other". */
export const flagComment = (api, id, reason) => api.call('POST', comment(id) + '/flag', { body: { reason } });

export const counts = (api, site, threads) => api.call('POST', 'api/v1/counts', { body: { site, threads } });

/** Sign-in (auth.js): auth/login, auth/redeem and auth/logout take a body; "me?site=S" is a GET. */
export const auth = (api, path, body) => api.call(body ? 'POST' : 'GET', 'api/v1/' + path, { body });

/** Who the session is to the moderation API: {actor, sites, moderator}. */
export const moderatorOf = (api) => api.call('GET', 'api/v1/admin/me');

/** A moderator's change to a comment: {status: "deleted"} or {pinned: bool}. Answers {comment}. */
export const moderate = (api, id, change) => api.call('PATCH', 'api/v1/admin/comments/' + encodeURIComponent(id), { body: change });

/** A moderator locks or unlocks a thread. Answers {thread}. */
export const lockThread = (api, site, thread, locked) =>
  api.call('PATCH', 'api/v1/admin/threads', { query: { site, thread }, body: { locked } });
