// What the thread is doing live: the heading with its count, "Connecting…" while the live channel is down (and
// data-live on the widget's element for the host page), "N new comments" for comments held back so that nothing
// moves under the reader, and a polite announcement of each new comment for screen readers.
import { h, setText } from '../dom.js';
import { authorName } from './comment.js';

/** ctx: {store, state, t}; `host`: the widget's element; `reveal()`: shows the held comments. */
export function createStatus(ctx, host, reveal) {
  const { state, t } = ctx;
  const heading = h('h2', { id: 'porch-heading', tabindex: '-1' });
  const newButton = h('button', { type: 'button', class: 'btn new', hidden: true, onclick: reveal });
  const status = h('span', { class: 'status', hidden: true });
  const announcer = h('div', { class: 'sr', 'aria-live': 'polite' });

  function update() {
    setText(heading, t('comments', { n: state.count }));
    const held = state.live.held.length;
    newButton.hidden = !held;
    if (held) setText(newButton, t('newComments', { n: held }));
  }

  function announce(words) {
    // Re-setting the same text would not be announced again; clear first.
    setText(announcer, '');
    setTimeout(() => setText(announcer, words), 50);
  }

  ctx.store.subscribe((change, c) => {
    if (change === 'new') announce(t(c.parent ? 'announceReply' : 'announce', { name: authorName(c, t) }));
    else if (change === 'count') update();
    else if (change === 'status') {
      host.dataset.live = state.status;
      status.hidden = state.status === 'live';
      setText(status, t('connecting'));
    }
  });

  update();
  return { heading, newButton, status, announcer, announce };
}
