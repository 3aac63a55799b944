// DOM building. Everything is made with createElement and text nodes; the one exception is comment HTML
// that the Porch server has already sanitised, which goes in through insertSanitizedCommentHtml only.

/**
 * h('button', {type: 'button', onclick: fn, class: 'x'}, 'Text', child, [more]) → element.
 * Keys starting with "on" become listeners; true sets an empty attribute; false/null/undefined skip it.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

// Appends children, skipping null/undefined/false and flattening arrays.
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

// Sets text, never markup.
export function setText(el, text) {
  el.textContent = text;
}

/** The only place markup reaches the DOM: a comment's `html`, sanitised by the Porch server (nh3). */
export function insertSanitizedCommentHtml(el, serverSanitizedHtml) {
  el.innerHTML = serverSanitizedHtml;
  for (const link of el.querySelectorAll('a[href]')) link.setAttribute('rel', 'nofollow ugc noopener noreferrer');
}

// An http(s) URL, or null (so a "javascript:" author link can never be clickable even if the server let it through).
export function safeHref(url, base) {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
