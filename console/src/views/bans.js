// The bans of the moderator's sites, each with a "Lift" button.
import { h } from '../../../widget/src/dom.js';
import { timeElement } from './time.js';

/** Who a ban is for, in words: a signed-in author's identity, or a guest (by e-mail and network address). */
export function bannedWho(ban) {
  const name = ban.name ? `${ban.name}, ` : '';
  if (ban.identity) return `${name}${ban.identity}`;
  return ban.by === 'guest' ? `${name}a guest (e-mail and network address)` : `${name}a signed-in author`;
}

/** opts: {bans, error, onLift(ban)} */
export function bansView({ bans, loading, error, onLift }) {
  const rows = bans.map((ban) =>
    h(
      'li',
      { class: 'row', 'data-id': String(ban.id) },
      h(
        'article',
        { class: 'c', 'aria-labelledby': `ban-${ban.id}` },
        h('h3', { id: `ban-${ban.id}`, class: 'who' }, bannedWho(ban)),
        h(
          'p',
          { class: 'meta' },
          `${ban.site} · from `,
          timeElement(ban.created),
          ban.expires ? [' · until ', timeElement(ban.expires)] : ' · without end',
          ban.actor ? ` · by ${ban.actor}` : '',
        ),
        ban.reason ? h('p', null, ban.reason) : null,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', 'aria-describedby': `ban-${ban.id}`, onclick: () => onLift(ban) }, 'Lift')),
      ),
    ),
  );
  return h(
    'section',
    { class: 'view', 'aria-labelledby': 'view-title' },
    h('h2', { id: 'view-title', tabindex: '-1' }, 'Bans'),
    h('p', { class: error ? 'note error' : 'note', role: 'status' }, error || (loading ? 'Loading…' : bans.length ? '' : 'Nobody is banned.')),
    h('ol', { class: 'rows' }, rows),
  );
}
