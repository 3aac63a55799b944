// The moderation log: who did what to which comment, and when.
import { h } from '../../../widget/src/dom.js';
import { timeElement } from './time.js';

const WORDS = {
  approved: 'approved comment',
  spam: 'marked as spam comment',
  deleted: 'deleted comment',
  delete: 'deleted comment',
  edit: 'edited comment',
  pin: 'pinned comment',
  unpin: 'unpinned comment',
  lock: 'locked a thread',
  unlock: 'reopened a thread',
  ban: 'banned the author of comment',
  purge: 'marked as spam every comment by the author of comment',
  lift_ban: 'lifted a ban',
};

/** What a log entry says was done, in words: "approved comment 12". */
export function describeEntry(entry) {
  const words = WORDS[entry.action] || String(entry.action || 'acted').replace(/[._]/g, ' ');
  return entry.comment && words.endsWith('comment') ? `${words} ${entry.comment}` : words;
}

/** opts: {entries, next, loading, error, onMore} */
export function logView({ entries, next, loading, error, onMore }) {
  return h(
    'section',
    { class: 'view', 'aria-labelledby': 'view-title' },
    h('h2', { id: 'view-title', tabindex: '-1' }, 'Moderation log'),
    h('p', { class: error ? 'note error' : 'note', role: 'status' }, error || (loading ? 'Loading…' : entries.length ? '' : 'Nothing has been moderated yet.')),
    h(
      'ol',
      { class: 'log' },
      entries.map((entry) =>
        h(
          'li',
          null,
          h('span', { class: 'meta' }, timeElement(entry.at)),
          ' ',
          h('strong', null, entry.actor || 'someone'),
          ' ',
          describeEntry(entry),
          entry.detail ? h('span', { class: 'meta' }, ` (${entry.detail})`) : null,
          entry.site ? h('span', { class: 'meta' }, ` · ${entry.site}`) : null,
        ),
      ),
    ),
    next ? h('button', { type: 'button', class: 'btn more', onclick: onMore }, 'Load more') : null,
  );
}
