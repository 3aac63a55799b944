// A DOM for the views' unit tests (linkedom): a document with a widget host and its open shadow root, as
// widget.js makes them, installed as the globals the widget's modules use.
import { parseHTML } from 'linkedom';
import { keyValueStore, memoryStorage } from '../../widget/src/storage.js';
import { createStore } from '../../widget/src/store.js';
import { addWords, translator } from '../../widget/src/i18n.js';
import extrasWords from '../../widget/src/lang/en-extras.js';

/** As load.js does when static/extras.js comes in: its English words join porch.js's. */
export const extrasLoaded = () => addWords(extrasWords);

export const SERVER = 'https://comments.example.com/';

export function installDom() {
  const { window, document } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  globalThis.document = document;
  globalThis.window = window;
  window.innerHeight = 800;
  window.scrollBy = () => {};
  // No layout here: nothing scrolls.
  window.HTMLElement.prototype.scrollIntoView = () => {};
  return document;
}

let clock = 0;
/** A comment as the API shows it. */
export function comment(id, parent = null, extra = {}) {
  clock += 1;
  return {
    id, parent, author: { name: `Author ${id}` }, html: `<p>text ${id}</p>`, status: 'approved', score: 0, edited: null,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), ...extra,
  };
}

export const page = (comments, extra = {}) => ({ thread: { count: comments.length, locked: false, seq: 5 }, comments, next: null, ...extra });

/** The ctx that widget.js gives its views, with a recording api and the extras parts named in `extras`. */
export function makeCtx({ sort = 'oldest', api = {}, extras = {} } = {}) {
  const document = installDom();
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  document.body.append(host);
  const keep = keyValueStore(memoryStorage());
  const store = createStore({ sort, server: SERVER, keep });
  const said = [];
  const extra = [];
  const ctx = {
    store,
    state: store.state,
    keep,
    api,
    config: { server: SERVER, site: 'blog', thread: '/post', title: 'A post', url: 'https://blog.example/post', lang: 'en' },
    root,
    host,
    t: translator('en', null),
    errorText: (error) => `error: ${error.code}`,
    say: (text) => said.push(text),
    said,
    announce: (text) => said.push(`announce: ${text}`),
    reply: () => {},
    refresh: () => {},
    extra: (name, ...args) => {
      extra.push([name, ...args]);
      return Promise.resolve(extras[name] && extras[name](ctx, ...args));
    },
    extras: extra,
    load: async () => page([]),
    async loadInto(button, query, show) {
      show(await ctx.load(query));
    },
  };
  return ctx;
}

export const text = (el) => el.textContent.replace(/\s+/g, ' ').trim();
