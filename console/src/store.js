// The list the console shows: which comments belong to the current view, in what order, which are
// selected, and what a changed comment (an action's answer) or a fresh read (after live frames) does to the
// list. No DOM here.

/** Whether `comment` (admin shape) belongs in the list of `route` (see router.js). */
export function belongs(route, comment) {
  if (route.site && comment.site !== route.site) return false;
  switch (route.view) {
    case 'pending':
      return comment.status === 'pending';
    case 'flagged':
      // Reported and not decided yet: any decision on its status settles its reports.
      return undecidedReports(comment) > 0;
    case 'spam':
      return comment.status === 'spam';
    case 'all':
      return true;
    case 'thread':
      return Boolean(comment.thread) && comment.thread.key === route.thread;
    default:
      return false;
  }
}

/** Reports a moderator has not decided on yet (the server's `flags.undecided`). */
export function undecidedReports(comment) {
  const flags = comment.flags || {};
  return typeof flags.undecided === 'number' ? flags.undecided : flags.count || 0;
}

// Ids are decimal strings, newer ones larger; the server lists newest first. Compared as text, so ids
// beyond 2^53 still order right.
export function compareIds(a, b) {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
const newestFirst = (a, b) => compareIds(b.id, a.id);

export class Queue {
  constructor(route) {
    this.route = route;
    this.items = [];
    this.next = null;
    this.selected = new Set();
  }

  get size() {
    return this.items.length;
  }

  get(id) {
    return this.items.find((c) => c.id === id) || null;
  }

  has(id) {
    return this.get(id) !== null;
  }

  ids() {
    return this.items.map((c) => c.id);
  }

  /** A page from GET /api/v1/admin/comments: the first replaces the list, a later one ("Load more") extends it. */
  load(page, { append = false } = {}) {
    if (!append) {
      this.items = [];
      this.selected.clear();
    }
    for (const comment of page.comments || []) if (!this.has(comment.id)) this.items.push(comment);
    this.next = page.next || null;
  }

  /** A comment as it is now (an action's answer). Returns 'added', 'updated', 'removed' or null. */
  apply(comment) {
    const index = this.items.findIndex((c) => c.id === comment.id);
    const fits = belongs(this.route, comment);
    if (index >= 0) {
      if (!fits) {
        this.remove(comment.id);
        return 'removed';
      }
      this.items[index] = comment;
      return 'updated';
    }
    if (!fits) return null;
    // Newest first, as the server lists them; one older than every loaded row waits for "Load more".
    const at = this.items.findIndex((c) => newestFirst(comment, c) < 0);
    if (at < 0 && this.next) return null;
    this.items.splice(at < 0 ? this.items.length : at, 0, comment);
    return 'added';
  }

  /**
   * The first page of the view read again (after live frames or a reconnect): within the span that page
   * covers, the list becomes exactly that page; older rows loaded by "Load more" stay. Returns the ids added.
   */
  merge(page) {
    const fresh = page.comments || [];
    const oldest = page.next && fresh.length ? fresh[fresh.length - 1].id : null;
    const seen = new Set(fresh.map((c) => c.id));
    for (const comment of [...this.items]) {
      if (!seen.has(comment.id) && (oldest === null || compareIds(comment.id, oldest) >= 0)) this.remove(comment.id);
    }
    const added = [];
    for (const comment of fresh) {
      const index = this.items.findIndex((c) => c.id === comment.id);
      if (index >= 0) {
        // An unchanged comment keeps its object, so its row (and focus in it) is left alone.
        if (JSON.stringify(this.items[index]) !== JSON.stringify(comment)) this.items[index] = comment;
      } else {
        const at = this.items.findIndex((c) => newestFirst(comment, c) < 0);
        this.items.splice(at < 0 ? this.items.length : at, 0, comment);
        added.push(comment.id);
      }
    }
    // Rows older than the page came from "Load more": their cursor still says where to go on.
    const older = oldest !== null && this.items.some((c) => compareIds(c.id, oldest) < 0);
    if (!older) this.next = page.next || null;
    return added;
  }

  remove(id) {
    this.items = this.items.filter((c) => c.id !== id);
    this.selected.delete(id);
  }

  /** The id `delta` rows from `id` (j/k), staying within the list; the first row when nothing has focus. */
  step(id, delta) {
    if (!this.items.length) return null;
    const index = this.items.findIndex((c) => c.id === id);
    if (index < 0) return this.items[0].id;
    return this.items[Math.max(0, Math.min(this.items.length - 1, index + delta))].id;
  }

  /** Where focus goes when `id` leaves the list: the row after it, else the one before, else nowhere. */
  neighbour(id) {
    const index = this.items.findIndex((c) => c.id === id);
    if (index < 0) return null;
    const other = this.items[index + 1] || this.items[index - 1];
    return other ? other.id : null;
  }

  toggle(id, on = !this.selected.has(id)) {
    if (!this.has(id)) return;
    if (on) this.selected.add(id);
    else this.selected.delete(id);
  }

  selectAll(on) {
    this.selected = new Set(on ? this.ids() : []);
  }

  /** The selected ids in list order. */
  selectedIds() {
    return this.ids().filter((id) => this.selected.has(id));
  }
}
