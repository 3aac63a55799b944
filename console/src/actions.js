// What each moderation action sends, and which actions a comment offers. No DOM here.
import { undecidedReports } from './store.js';

export const CHANGES = {
  approve: { status: 'approved' },
  spam: { status: 'spam' },
  delete: { status: 'deleted' },
  pin: { pinned: true },
  unpin: { pinned: false },
};

export const LABELS = {
  approve: 'Approve',
  spam: 'Spam',
  delete: 'Delete',
  pin: 'Pin',
  unpin: 'Unpin',
  ban: 'Ban',
};

// Past tense for the announcement after an action ("Approved the comment by Ada.").
export const DONE = {
  approve: 'Approved',
  spam: 'Marked as spam',
  delete: 'Deleted',
  pin: 'Pinned',
  unpin: 'Unpinned',
  ban: 'Banned the author of',
};

/**
 * The actions a comment offers, in button order. Approving a reported comment that is shown keeps it and
 * settles its reports; a deleted comment has nothing left to act on (its words are gone).
 */
export function actionsFor(comment) {
  if (comment.status === 'deleted') return [];
  const out = [];
  if (comment.status !== 'approved' || undecidedReports(comment) > 0) out.push('approve');
  if (comment.status !== 'spam') out.push('spam');
  out.push('delete');
  if (comment.status === 'approved') out.push(comment.pinned ? 'unpin' : 'pin');
  out.push('ban');
  return out;
}

/** The actions a bulk selection offers: the ones with a plain change that need nothing more to ask. */
export const BULK = ['approve', 'spam', 'delete'];

/** "2 reports: spam 1, abuse 1" as parts, from a comment's flags. */
export function describeFlags(flags) {
  if (!flags || !flags.count) return '';
  const reasons = Object.entries(flags.reasons || {})
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason.replace(/_/g, ' ')} ${n}`);
  const head = flags.count === 1 ? '1 report' : `${flags.count} reports`;
  return reasons.length ? `${head}: ${reasons.join(', ')}` : head;
}

/** A ban's days from the form's field: a whole number of days from 1 up, or null for a ban without end. */
export function banDays(value) {
  const text = String(value ?? '').trim();
  if (!text) return null;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new RangeError('days');
  return Number(text);
}
