// Keyboard shortcuts: which key does what, and when a key press is typing rather than a shortcut. No DOM here
// beyond reading an event's fields.

export const SHORTCUTS = [
  { key: 'j', action: 'next', help: 'Next comment' },
  { key: 'k', action: 'previous', help: 'Previous comment' },
  { key: 'a', action: 'approve', help: 'Approve' },
  { key: 's', action: 'spam', help: 'Mark as spam' },
  { key: 'd', action: 'delete', help: 'Delete (asks first)' },
  { key: 'p', action: 'pin', help: 'Pin or unpin' },
  { key: 'b', action: 'ban', help: 'Ban the author' },
  { key: 'x', action: 'select', help: 'Select for a bulk action' },
  { key: 't', action: 'thread', help: 'Open the thread' },
  { key: '/', action: 'search', help: 'Search' },
];

const TYPING_INPUTS = new Set(['text', 'search', 'email', 'number', 'url', 'password', 'tel', 'date', '']);

/** True when keys pressed in `target` are text being typed (a field, a list box, an editable element). */
export function isTyping(target) {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = String(target.tagName || '').toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return TYPING_INPUTS.has(String(target.type || '').toLowerCase());
  return false;
}

/** The action of a keydown event, or null: none with Ctrl, Alt or Meta, none while typing or in a dialog. */
export function shortcutOf(event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return null;
  if (isTyping(event.target)) return null;
  if (event.target && typeof event.target.closest === 'function' && event.target.closest('dialog')) return null;
  const found = SHORTCUTS.find((s) => s.key === event.key);
  return found ? found.action : null;
}
