// One live connection per widget: connects, hands events on, and reconnects with backoff, resuming after the
// newest seq seen so nothing is missed.
import { backoffDelay, liveUrl } from './live.js';

export function connectLive({ server, site, thread, getSeq, onEvent, onStatus }) {
  let socket = null;
  let timer = 0;
  let attempt = 0;
  let stopped = false;

  function open() {
    clearTimeout(timer);
    if (stopped) return;
    onStatus('connecting');
    try {
      socket = new WebSocket(liveUrl(server, site, thread, getSeq()));
    } catch {
      retry();
      return;
    }
    socket.onmessage = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.type === 'hello') {
        attempt = 0;
        onStatus('live');
      } else onEvent(event);
    };
    socket.onclose = () => {
      socket = null;
      retry();
    };
  }

  function retry() {
    if (stopped) return;
    onStatus('connecting');
    clearTimeout(timer);
    timer = setTimeout(open, backoffDelay(attempt++));
  }

  // Coming back online or to the tab: try at once rather than waiting out the backoff.
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
