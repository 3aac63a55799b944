// One comment in a list: who wrote it where and when, its text, its reports, and its action buttons.
// The comment's html is the server's sanitised rendering and goes in through the widget's single sink.
import { describeFlags, actionsFor, LABELS } from '../actions.js';
import { h, insertSanitizedCommentHtml, safeHref } from '../../../widget/src/dom.js';
import { timeElement } from './time.js';

const STATUS = { pending: 'Pending', spam: 'Spam', deleted: 'Deleted', approved: 'Approved' };

export function authorName(comment) {
  return (comment.author && comment.author.name) || 'a deleted comment';
}

// The id of the row's heading, which every action button points at with aria-describedby.
export const headingId = (id) => `c-${id}-h`;

/**
 * An <li> for `comment`. ctx: {selected, base (the server root, for links), onAction(action, id),
 * onSelect(id, on), onThread(comment), showThread (false inside the thread view), showSite, tabStatus (the
 * status every row of the list has, if any), mixed (rows of every status), now}.
 */
export function commentRow(comment, ctx) {
  const id = comment.id;
  const name = authorName(comment);
  const author = comment.author;
  const authorLink = author && author.url && safeHref(author.url, ctx.base);
  const thread = comment.thread || { key: '', title: '', url: '' };
  const threadHref = thread.url && safeHref(thread.url, ctx.base);
  const flags = describeFlags(comment.flags);

  const checkbox = h('input', {
    type: 'checkbox',
    class: 'pick',
    checked: ctx.selected,
    'aria-label': `Select the comment by ${name}`,
    onchange: (event) => ctx.onSelect(id, event.target.checked),
  });
  // The status, except in the tab that lists only that status; "Approved" only where statuses mix.
  const showStatus = comment.status !== ctx.tabStatus && (comment.status !== 'approved' || ctx.mixed);
  const badges = [
    showStatus && h('span', { class: `badge ${comment.status}` }, STATUS[comment.status] || comment.status),
    comment.pinned && h('span', { class: 'badge pinned' }, 'Pinned'),
  ];
  const body = h('div', { class: 'body' });
  if (comment.status === 'deleted') body.append(h('p', { class: 'gone' }, 'This comment was deleted; its words are gone.'));
  else insertSanitizedCommentHtml(body, comment.html || '');

  const buttons = actionsFor(comment).map((action) =>
    h(
      'button',
      {
        type: 'button',
        class: `btn act-${action}${action === 'approve' ? ' primary' : ''}${action === 'delete' || action === 'ban' ? ' danger' : ''}`,
        'data-action': action,
        'aria-describedby': headingId(id),
        onclick: () => ctx.onAction(action, id),
      },
      LABELS[action],
    ),
  );
  if (ctx.showThread !== false && thread.key) {
    buttons.push(
      h(
        'button',
        { type: 'button', class: 'btn', 'data-action': 'thread', 'aria-describedby': headingId(id), onclick: () => ctx.onThread(comment) },
        'Thread',
      ),
    );
  }

  const where = thread.key
    ? h(
        'p',
        { class: 'where' },
        'on ',
        threadHref
          ? h('a', { href: threadHref, target: '_blank', rel: 'noopener noreferrer' }, thread.title || thread.key, h('span', { class: 'sr' }, ' (opens in a new tab)'))
          : h('span', null, thread.title || thread.key),
        ctx.showSite && comment.site ? h('span', { class: 'site' }, ` · ${comment.site}`) : null,
      )
    : null;

  return h(
    'li',
    { class: 'row', 'data-id': id },
    h(
      'article',
      { tabindex: '-1', 'aria-labelledby': headingId(id), class: comment.status === 'deleted' ? 'c deleted' : 'c' },
      h(
        'div',
        { class: 'head' },
        checkbox,
        h(
          'h3',
          { id: headingId(id), class: 'who' },
          h('span', { class: 'sr' }, 'Comment by '),
          authorLink ? h('a', { href: authorLink, rel: 'nofollow ugc noopener noreferrer', target: '_blank' }, name) : h('span', { class: 'name' }, name),
        ),
        author && author.provider ? h('span', { class: 'meta' }, author.provider) : author ? h('span', { class: 'meta' }, 'guest') : null,
        comment.email ? h('a', { class: 'meta email', href: 'mailto:' + comment.email }, comment.email) : null,
        h('span', { class: 'meta' }, timeElement(comment.created, ctx.now)),
        badges,
      ),
      where,
      body,
      flags ? h('p', { class: 'flags' }, flags) : null,
      h('div', { class: 'actions', role: 'group', 'aria-label': `Actions for the comment by ${name}` }, buttons),
      h('p', { class: 'error', role: 'alert' }),
    ),
  );
}
