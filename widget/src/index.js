// porch.js: reads its own <script> tag, renders the widget and defines window.Porch.
import { parseConfig, serverBase } from './config.js';
import { loadExtras } from './load.js';
import { mountWidget } from './widget.js';

const script = document.currentScript;
const scriptData = script ? { ...script.dataset } : {};

function pageFacts() {
  const canonical = document.querySelector('link[rel="canonical"]');
  return {
    href: location.href,
    pathname: location.pathname,
    title: document.title,
    canonical: canonical && canonical.href,
    lang: document.documentElement.lang,
    server: script && script.src ? serverBase(script.src, location.href) : new URL('/', location.href).href,
  };
}

function optionsFrom(options) {
  const out = {};
  for (const [key, value] of Object.entries(options || {})) if (value !== undefined && value !== null) out[key] = String(value);
  return out;
}

const Porch = window.Porch || {
  /** Renders a widget into `element`. Options as the data-* attributes: site, thread, title, url, theme, lang, sort, server. */
  mount(element, options = {}) {
    const config = parseConfig({ site: scriptData.site, ...optionsFrom(options) }, pageFacts());
    return mountWidget(config, (host) => element.append(host));
  },
  /** Fills every [data-porch-count="THREAD"] element with "N comments". Options: site, lang, server. */
  counts(options = {}) {
    const config = parseConfig({ site: scriptData.site, lang: scriptData.lang, ...optionsFrom(options) }, pageFacts());
    return loadExtras(config.server).then((parts) => parts.counts(config));
  },
};
window.Porch = Porch;

function autoMount() {
  if (!scriptData.site || scriptData.mount === 'false') return;
  const config = parseConfig(scriptData, pageFacts());
  if (!config.target) return mountWidget(config, (host) => script.after(host));
  const target = document.querySelector(config.target);
  if (target) mountWidget(config, (host) => target.append(host));
}

function autoCounts() {
  if (document.querySelector('[data-porch-count]')) Porch.counts().catch(() => {});
}

// A data-target or count links may come later in the page than an async script: wait for the document then.
function whenReady(run) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
}

if (script) {
  if (scriptData.target) whenReady(autoMount);
  else autoMount();
  whenReady(autoCounts);
}
