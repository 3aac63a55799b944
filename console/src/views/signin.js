// The screen for a visitor without a console session: the sign-in providers (a plain redirect through
// GET /admin/sign-in/PROVIDER on this origin), and the owner's way in without any: `porch admin link`.
// A signed-in identity that moderates nothing sees itself as PROVIDER_ID:SUBJECT, to copy into the settings.
import { h } from '../../../widget/src/dom.js';

const INPUT_LABEL = { instance: 'Your instance (e.g. mastodon.social)', website: 'Your website' };

// A link, or for a provider that needs an instance or a website a small form that navigates to the link:
// a real form submission would be held to the page's form-action policy on every redirect on the way to
// the provider, and the provider is another origin.
function providerEntry(provider) {
  const path = `sign-in/${encodeURIComponent(provider.id)}`;
  const label = `Sign in with ${provider.name}`;
  if (!provider.input) return h('div', { class: 'provider' }, h('a', { href: path, class: 'btn primary' }, label));
  const id = `in-${provider.id}`;
  const field = h('input', { id, name: 'instance', required: true, autocomplete: provider.input === 'website' ? 'url' : 'off' });
  return h(
    'form',
    {
      class: 'provider',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const value = field.value.trim();
        if (!value) {
          field.setAttribute('aria-invalid', 'true');
          field.focus();
          return;
        }
        // The server reads what either kind asks for (an instance or a website) from ?instance=.
        location.assign(`${path}?${new URLSearchParams({ instance: value })}`);
      },
    },
    h('div', { class: 'field' }, h('label', { for: id }, INPUT_LABEL[provider.input] || provider.input), field),
    h('button', { type: 'submit', class: 'btn primary' }, label),
  );
}

const linkNote = () =>
  h(
    'p',
    { class: 'note' },
    'No sign-in provider, or locked out? On the server, run ',
    h('code', null, 'porch admin link'),
    ' and open the link it prints (it works once, for 10 minutes).',
  );

/** {providers: [{id, name, input}], error: string|null} */
export function signInView({ providers, error }) {
  return h(
    'section',
    { class: 'card signin', 'aria-labelledby': 'view-title' },
    h('h2', { id: 'view-title', tabindex: '-1' }, 'Sign in to moderate'),
    error ? h('p', { class: 'error', role: 'alert' }, error) : null,
    providers.length
      ? h('div', { class: 'providers' }, providers.map(providerEntry))
      : h('p', null, 'This server offers no sign-in provider for the console.'),
    linkNote(),
  );
}

/** A signed-in identity that moderates no site: it sees itself, to hand to the owner. */
export function notModeratorView({ actor }) {
  const field = h('input', { id: 'actor', readonly: true, value: actor, class: 'mono', onfocus: (event) => event.target.select() });
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      onclick: async () => {
        field.select();
        try {
          await navigator.clipboard.writeText(actor);
          copy.textContent = 'Copied';
        } catch {
          copy.textContent = 'Press Ctrl+C to copy';
        }
      },
    },
    'Copy',
  );
  return h(
    'section',
    { class: 'card signin', 'aria-labelledby': 'view-title' },
    h('h2', { id: 'view-title', tabindex: '-1' }, 'You do not moderate any site yet'),
    h('p', null, 'You are signed in, but this identity is not a moderator. Send it to the owner of the site, who adds it to ', h('code', null, 'moderators'), ' in the site’s settings (or to ', h('code', null, 'admins'), ' for every site):'),
    h('div', { class: 'field' }, h('label', { for: 'actor' }, 'Your identity'), h('div', { class: 'inline' }, field, copy)),
    linkNote(),
  );
}
