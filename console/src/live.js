// The admin live socket (WS /api/v1/admin/live, the console cookie): a frame for every event on the
// moderator's sites, pending comments and reports included. A frame says that something changed and where;
// the console then reads its list again (it needs the admin shape: e-mail, reports, thread title), so a
// frame missed while reconnecting costs nothing either. Reconnects with the widget's backoff.
import { backoffDelay } from '../../widget/src/live.js';

export const COMMENT_FRAMES = ['comment.created', 'comment.updated', 'comment.deleted', 'comment.flagged'];
export const THREAD_FRAME = 'thread.updated';

export function adminLiveUrl(base) {
  const url = new URL('api/v1/admin/live', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * A frame the console acts on, or null (hello, ping, anything unknown): {type, site, comment} for a comment
 * event, {type: 'thread.updated', site, thread: {key, locked, ...}} for a locked or reopened thread.
 */
export function parseFrame(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (!frame || typeof frame.site !== 'string') return null;
  if (COMMENT_FRAMES.includes(frame.type)) return frame.comment && typeof frame.comment.id === 'string' ? frame : null;
  if (frame.type === THREAD_FRAME) return frame.thread && typeof frame.thread.key === 'string' ? frame : null;
  return null;
}

/** onFrame(frame); onStatus('connecting' | 'live', {resumed}) where resumed is true after a reconnect. */
export function connectAdminLive({ url, onFrame, onStatus, onRefused }) {
  let socket = null;
  let timer = 0;
  let attempt = 0;
  let stopped = false;
  let opened = false;

  function open() {
    clearTimeout(timer);
    if (stopped) return;
    onStatus('connecting', {});
    try {
      socket = new WebSocket(url);
    } catch {
      retry();
      return;
    }
    socket.onopen = () => {
      attempt = 0;
      onStatus('live', { resumed: opened });
      opened = true;
    };
    socket.onmessage = (message) => {
      const frame = parseFrame(message.data);
      if (frame) onFrame(frame);
    };
    socket.onclose = (event) => {
      socket = null;
      // 4401/4403 (or 1008): the session ended or never allowed this; trying again will not help.
      if (event && (event.code === 4401 || event.code === 4403 || event.code === 1008) && onRefused) {
        stopped = true;
        onRefused(event.code);
        return;
      }
      retry();
    };
  }

  function retry() {
    if (stopped) return;
    onStatus('connecting', {});
    clearTimeout(timer);
    timer = setTimeout(open, backoffDelay(attempt++));
  }

  function nudge() {
    if (!socket && !stopped && document.visibilityState !== 'hidden') {
      attempt = 0;
      open();
    }
  }
  addEventListener('online', nudge);
  document.addEventListener('visibilitychange', nudge);
  open();

  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      removeEventListener('online', nudge);
      document.removeEventListener('visibilitychange', nudge);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
    },
  };
}
