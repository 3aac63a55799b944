// One comment: fills its <article> from the API's comment (author, avatar, time, the server's sanitised text,
// the awaiting-moderation note) with its actions. What the actions do comes from the widget, through `ctx`.
import { append, h, insertSanitizedCommentHtml, safeHref } from '../dom.js';
import { exactTime, relativeTime } from '../time.js';

export const authorName = (c, t) => (c.author && c.author.name) || t('anonymous');

export function timeElement(iso, lang) {
  const when = Date.parse(iso);
  return h('time', { datetime: iso, title: exactTime(when, lang) }, relativeTime(when, Date.now(), lang));
}

/**
 * ctx: {t, config: {server, lang}, state: the store's state, store: for the reader's own edit tokens,
 * reply(id): the form replies to it, extra(name, ...args): runs a part loaded on demand (extras-entry.js),
 * tools(c, actions): a moderator's buttons, once extras.js (views/moderate.js) installed them}.
 */
export function fillComment(article, c, ctx) {
  const { t, state } = ctx;
  const { server } = ctx.config;
  const li = article.parentNode;
  article.replaceChildren();
  delete article.dataset.busy;
  if (li) delete li.dataset.own;
  if (c.status === 'deleted') return article.append(h('p', { class: 'gone' }, t('deleted')));
  const name = authorName(c, t);
  const href = c.author && c.author.url && safeHref(c.author.url, server);
  const avatar = c.author && c.author.avatar && safeHref(c.author.avatar, server);
  // " · via GitHub" for a signed-in author: the provider they signed in with (its id until the site info is in).
  const id = c.author && c.author.provider;
  const provider = id && (state.site.providers || []).find((p) => p.id === id);
  const body = h('div', { class: 'body' });
  insertSanitizedCommentHtml(body, c.html || '');
  const actions = h('div', { class: 'actions' });
  if (!(state.info && state.info.locked)) {
    actions.append(
      h('button', { type: 'button', class: 'link', 'aria-label': t('replyToLabel', { name }), onclick: () => ctx.reply(c.id) }, t('reply')),
    );
  }
  const user = state.user;
  if (ctx.store.token(c.id)) {
    if (li) li.dataset.own = '1';
    actions.append(
      h('button', { type: 'button', class: 'link', onclick: () => ctx.extra('edit', c, article) }, t('edit')),
      h('button', { type: 'button', class: 'link', onclick: () => ctx.extra('remove', c, actions) }, t('delete')),
    );
  } else if (c.status === 'approved' && !(user && id === user.provider && c.author.name === user.name)) {
    // Report, with a confirmation that asks why (views/report.js, loaded on demand). Its name is given, not
    // computed from its content: on a thread of thousands, naming every button from its text is what makes
    // assistive technology (and Playwright's role queries) slow.
    actions.append(h('button', { type: 'button', class: 'link', 'aria-label': t('report'), onclick: () => ctx.extra('report', c, actions) }, t('report')));
  }
  if (ctx.tools) ctx.tools(c, actions);
  append(article, [
    h(
      'div',
      { class: 'head' },
      avatar
        ? h('img', { class: 'av', src: avatar, alt: '', width: 32, height: 32, loading: 'lazy', decoding: 'async' })
        : h('span', { class: 'av initial', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase()),
      href ? h('a', { class: 'name', href, rel: 'nofollow ugc noopener noreferrer' }, name) : h('span', { class: 'name' }, name),
      h(
        'span',
        { class: 'meta' },
        timeElement(c.created, ctx.config.lang),
        id ? ` · ${t('via', { name: provider ? provider.name : id })}` : '',
        c.edited ? ` · ${t('edited')}` : '',
      ),
    ),
    body,
    c.status === 'pending' && h('p', { class: 'note' }, t('pending')),
    actions,
  ]);
}
