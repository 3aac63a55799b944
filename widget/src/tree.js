// The comments of one thread as a tree, built from API pages and kept in display order.
// Roots keep the server's order (the chosen sort); replies are always oldest first.
// Nothing here recurses: a reply chain may be thousands deep.

const ROOT = null;

function byCreated(a, b) {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class Thread {
  constructor() {
    this.byId = new Map();
    this.kids = new Map([[ROOT, []]]);
    this.levels = new Map(); // id → depth, fixed when the comment joins the tree under its parent
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
    return this.levels.get(id) || 0;
  }

  // The parent must be in the tree already.
  _attach(comment) {
    this.byId.set(comment.id, comment);
    this.levels.set(comment.id, comment.parent === ROOT ? 0 : this.depth(comment.parent) + 1);
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
   * Returns the ids that were new, each after its parent. A reply may come before its parent in the page; one
   * whose parent never arrives is forgotten, so a later page or event can bring it properly.
   */
  addPage(comments) {
    const added = [];
    const waiting = new Map(); // parent id → new replies that came before it
    for (const c of comments) {
      if (this.byId.has(c.id)) {
        this.byId.set(c.id, c);
      } else if (c.parent !== ROOT && !this.byId.has(c.parent)) {
        if (!waiting.has(c.parent)) waiting.set(c.parent, []);
        waiting.get(c.parent).push(c);
      } else {
        for (const stack = [c]; stack.length; ) {
          const next = stack.pop();
          this._attach(next);
          if (next.parent === ROOT) this.kids.get(ROOT).push(next.id);
          else this._sortedInsert(this.kids.get(next.parent), next);
          added.push(next.id);
          for (const reply of waiting.get(next.id) || []) stack.push(reply);
          waiting.delete(next.id);
        }
      }
    }
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
    this.levels.delete(id);
    const siblings = this.kids.get(comment.parent);
    if (siblings) siblings.splice(siblings.indexOf(id), 1);
    return 'removed';
  }

  /** The ids below `id` in display order: depth first, each comment before its replies. */
  ordered(id = ROOT) {
    const out = [];
    const stack = this.children(id).slice().reverse();
    while (stack.length) {
      const next = stack.pop();
      out.push(next);
      const kids = this.children(next);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return out;
  }

  /**
   * The id shown right after `id` and its replies in the list that holds `id`, or null at that list's end.
   * Only comments for which `nests(id)` is true have a list of their own for their replies; the replies of the
   * others follow them in the list that holds them. `shown(id)` skips comments not on screen yet.
   */
  following(id, nests, shown) {
    for (let x = id; ; ) {
      const parent = this.byId.get(x).parent;
      const siblings = this.children(parent);
      for (let i = siblings.indexOf(x) + 1; i < siblings.length; i++) if (shown(siblings[i])) return siblings[i];
      if (parent === ROOT || nests(parent)) return null;
      x = parent;
    }
  }
}
