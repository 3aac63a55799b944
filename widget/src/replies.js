// Replies a page left out ("Show N more replies" under their root): per root, the cursor of the next batch and
// how many are still to load. No DOM here.

export class MoreReplies {
  constructor() {
    this.cut = new Map(); // root id → {after, count}
  }

  /** Notes a page's `more_replies` ([{root, after, count}]); entries without a cursor are ignored. */
  addPage(page) {
    for (const m of (page && page.more_replies) || []) {
      if (m && m.after) this.cut.set(String(m.root), { after: String(m.after), count: Math.max(1, m.count | 0) });
    }
  }

  /** {after, count} for the next batch of `root`'s replies, or undefined when none are left to load. */
  get(root) {
    return this.cut.get(root);
  }

  /**
   * Notes a batch loaded from get(root).after (an API page: {comments, next}); returns how many are still to load.
   * Replies posted since the count was made come too, so the count never drops below 1 while `next` is set.
   */
  loaded(root, page) {
    const cut = this.cut.get(root);
    if (!cut || !page.next) {
      this.cut.delete(root);
      return 0;
    }
    cut.after = page.next;
    return (cut.count = Math.max(1, cut.count - page.comments.length));
  }
}
