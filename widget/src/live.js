// Live events: ordering and dedupe by seq, what each event does to the thread, comments held behind
// the "N new comments" control, and the reconnect backoff. No DOM and no sockets here.

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30000;

// Exponential backoff with jitter: attempt 0 waits 250-500 ms, doubling up to 15-30 s.
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// The live endpoint for a server base and thread, resuming after `seq`.
export function liveUrl(server, site, thread, seq) {
  const url = new URL('api/v1/live', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ site, thread, after: String(seq) }).toString();
  return url.href;
}

export class LiveState {
  constructor(seq = 0) {
    this.seq = seq;
    this.held = [];
    this.counted = new Set();
  }

  /** True for an event to act on; false for one already seen (seq not above the newest seen). */
  accept(event) {
    if (!event || typeof event.seq !== 'number' || event.seq <= this.seq) return false;
    this.seq = event.seq;
    return true;
  }

  _heldIndex(id) {
    return this.held.findIndex((c) => c.id === id);
  }

  isHeld(id) {
    return this._heldIndex(id) >= 0;
  }

  hold(comment) {
    const index = this._heldIndex(comment.id);
    if (index >= 0) this.held[index] = comment;
    else this.held.push(comment);
  }

  /** Takes the held comments, oldest first, leaving none held. */
  release() {
    const held = this.held.filter((c) => c.status !== 'deleted' || this.held.some((r) => r.parent === c.id));
    this.held = [];
    return held;
  }

  unhold(id) {
    const index = this._heldIndex(id);
    return index >= 0 ? this.held.splice(index, 1)[0] : null;
  }

  /** +1 the first time a new approved comment is seen (by live event or by posting it), else 0. */
  countNew(comment) {
    if (comment.status !== 'approved' || this.counted.has(comment.id)) return 0;
    this.counted.add(comment.id);
    return 1;
  }

  /**
   * What an accepted event means for `thread` (a Thread from tree.js):
   * 'insert' (a new comment whose place is loaded: the view inserts it or holds it), 'update', 'remove',
   * 'held' (it concerned held comments only and was applied to them) or 'skip' (nothing shown changes).
   */
  classify(event, thread, sort, complete) {
    const c = event.comment;
    if (!c || !c.id) return 'skip';
    if (event.type === 'comment.created') {
      if (thread.has(c.id)) return 'update';
      if (this.isHeld(c.id) || (c.parent !== null && this.isHeld(c.parent))) {
        this.hold(c);
        return 'held';
      }
      if (c.status !== 'approved') return 'skip';
      return thread.place(c, sort, complete) ? 'insert' : 'skip';
    }
    if (event.type === 'comment.updated' || event.type === 'comment.deleted') {
      if (thread.has(c.id)) return event.type === 'comment.updated' ? 'update' : 'remove';
      if (this.isHeld(c.id)) {
        this.hold(c);
        return 'held';
      }
    }
    return 'skip';
  }
}
