// The comments of one thread as a tree, built from API pages and kept in display order.
// Roots keep the server's order (the chosen sort); replies are always oldest first.

const ROOT = null;

function byCreated(a, b) {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class Thread {
  constructor() {
    this.byId = new Map();
    this.kids = new Map([[ROOT, []]]);
  }

  has(id) {
    return this.byId.has(id);
  }

  get(id) {
    return this.byId.get(id);
  }

  children(id = ROOT) {
    return this.kids.get(id) || [];
  }

  depth(id) {
    let depth = 0;
    for (let c = this.byId.get(id); c && c.parent; c = this.byId.get(c.parent)) depth++;
    return depth;
  }

  _attach(comment) {
    this.byId.set(comment.id, comment);
    if (!this.kids.has(comment.id)) this.kids.set(comment.id, []);
  }

  _sortedInsert(list, comment) {
    let index = list.length;
    while (index > 0 && byCreated(this.byId.get(list[index - 1]), comment) > 0) index--;
    list.splice(index, 0, comment.id);
    return index;
  }

  /**
   * Adds one API page. Comments already known are refreshed where they stand, never moved or duplicated.
   * Returns the ids that were new. A reply whose parent is unknown is kept aside until the parent arrives.
   */
  addPage(comments) {
    const added = [];
    const fresh = comments.filter((c) => {
      if (this.byId.has(c.id)) {
        this.byId.set(c.id, c);
        return false;
      }
      return true;
    });
    fresh.forEach((c) => this._attach(c));
    for (const c of fresh) {
      if (c.parent === ROOT) this.kids.get(ROOT).push(c.id);
      else if (this.byId.has(c.parent)) this._sortedInsert(this.kids.get(c.parent), c);
      else continue;
      added.push(c.id);
    }
    // Replies whose parent never arrived are forgotten, so a later page or event can bring them properly.
    for (const c of fresh) if (!added.includes(c.id)) this.byId.delete(c.id);
    return added;
  }

  /**
   * Where a new comment belongs: {parent, before} (before: the id of the sibling it precedes, or null for the end),
   * or null when that place is not loaded yet (a later page will bring it).
   */
  place(comment, sort, complete) {
    if (comment.parent !== ROOT) {
      if (!this.byId.has(comment.parent)) return null;
      const siblings = this.children(comment.parent);
      const after = siblings.findIndex((id) => byCreated(this.byId.get(id), comment) > 0);
      return { parent: comment.parent, before: after < 0 ? null : siblings[after] };
    }
    const roots = this.children(ROOT);
    if (sort === 'newest') return { parent: ROOT, before: roots[0] || null };
    return complete ? { parent: ROOT, before: null } : null;
  }

  /** Inserts a new comment at place(); returns that place, or null when it was not inserted. */
  insert(comment, sort, complete) {
    if (this.byId.has(comment.id)) return null;
    const where = this.place(comment, sort, complete);
    if (!where) return null;
    this._attach(comment);
    const list = this.kids.get(where.parent);
    list.splice(where.before === null ? list.length : list.indexOf(where.before), 0, comment.id);
    return where;
  }

  update(comment) {
    if (!this.byId.has(comment.id)) return false;
    this.byId.set(comment.id, comment);
    return true;
  }

  /**
   * Removes a deleted comment. One with replies stays as the placeholder (returns 'placeholder'); one without goes
   * (returns 'removed'), and so does a placeholder parent left with no replies.
   */
  remove(id, placeholder) {
    const comment = this.byId.get(id);
    if (!comment) return null;
    if (this.children(id).length) {
      this.byId.set(id, placeholder || { ...comment, html: '', author: null, status: 'deleted' });
      return 'placeholder';
    }
    this.byId.delete(id);
    this.kids.delete(id);
    const siblings = this.kids.get(comment.parent);
    if (siblings) siblings.splice(siblings.indexOf(id), 1);
    return 'removed';
  }

  /** Ids in display order, depth first (for tests and for focus order). */
  ordered(id = ROOT, out = []) {
    for (const child of this.children(id)) {
      out.push(child);
      this.ordered(child, out);
    }
    return out;
  }
}
