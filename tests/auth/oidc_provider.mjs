// A real OpenID Connect provider (node `oidc-provider`) on 127.0.0.1 for Porch's sign-in tests.
//
//   node tests/auth/oidc_provider.mjs PORT REDIRECT_URI[,REDIRECT_URI...]
//
// One confidential client ("porch" / "porch-secret", client_secret_basic, PKCE required) and a second one
// ("other-app") that stands for another relying party. Login and consent are approved automatically for the
// current test account, which tests switch with POST /__test__/account {"id": "..."}.
//
// POST /__test__/isolate {"on": true} sends Cross-Origin-Opener-Policy: same-origin on every page, as some real
// providers do, which cuts the popup's link to the widget's page.
//
// POST /__test__/tamper {"mode": ...} makes the token endpoint hand out one forged id_token, as an attacker in
// the middle would: "other-key" (signed with a key the issuer never published), "audience" (re-signed with the
// issuer's key, for another client), "nonce" (re-signed, another nonce). The next token response is normal.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.argv[2]);
const redirectUris = (process.argv[3] || '').split(',').filter(Boolean);
const issuer = `http://127.0.0.1:${port}`;

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}
const published = signingKey('published');
const unpublished = signingKey('unpublished');

const accounts = {
  alice: { name: 'Alice Example', profile: 'https://alice.example.org/' },
  bob: { name: 'Bob Example' },
};
let currentAccount = 'alice';
let tamper = null;
let isolate = false;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'porch',
      client_secret: 'porch-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'other-app',
      client_secret: 'other-secret',
      redirect_uris: ['https://other-app.example/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['porch-test-cookie-key'] },
  jwks: { keys: [published] },
  claims: { openid: ['sub'], profile: ['name', 'profile'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(accounts[id] || { name: id }) };
      },
    };
  },
});

async function readJson(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? JSON.parse(body) : {};
}

async function forge(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  if (mode === 'audience') claims.aud = 'other-app';
  if (mode === 'nonce') claims.nonce = 'not-the-nonce-porch-sent';
  const key = mode === 'other-key' ? unpublished : published;
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid === 'unpublished' ? 'published' : key.kid })
    .sign(await jose.importJWK(key, 'RS256'));
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/account' && ctx.method === 'POST') {
    currentAccount = (await readJson(ctx.req)).id;
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__test__/isolate' && ctx.method === 'POST') {
    isolate = Boolean((await readJson(ctx.req)).on);
    ctx.status = 204;
    return;
  }
  // Like some real providers' login pages: an isolation policy that cuts the popup's link to its opener.
  if (isolate) ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (ctx.path === '/__test__/tamper' && ctx.method === 'POST') {
    tamper = (await readJson(ctx.req)).mode;
    ctx.status = 204;
    return;
  }
  if (ctx.path.startsWith('/interaction/') && ctx.method === 'GET') {
    if (isolate && !ctx.query.go) {
      // A real page (not only redirects) with the isolation policy, so the browser applies it, then on.
      ctx.type = 'html';
      ctx.body = '<!doctype html><meta http-equiv="refresh" content="0;url=?go=1"><p>Signing in…</p>';
      return;
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: currentAccount } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      if (prompt.details.missingResourceScopes) {
        for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes)) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await forge(ctx.body.id_token, tamper) };
    tamper = null;
  }
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
