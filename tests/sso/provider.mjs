// A small OpenID provider for the single sign-on tests, built on the certified `oidc-provider`.
//
//   PROVIDER_CONFIG='{"port": 9000, "issuer": "http://127.0.0.1:9000", "clients": [...], "accounts": {...}}' \
//     node tests/sso/provider.mjs
//
// clients:  [{"client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...],
//             "tamper": {"aud": "...", "iss": "..."}}]   (tamper: optional, see below)
// accounts: {"username": {"name", "email", "groups": [...]}}, or accounts_file: the path of a JSON
//           file with the same, read at every login (a test changes someone's groups between logins)
//
// Login is a plain form: a user name (one of the accounts) and a choice "mfa" (yes/no). With
// "yes" the session's `amr` is ["pwd", "otp"] and its `acr` "urn:waarborg:test:mfa"; otherwise
// ["pwd"] and "urn:waarborg:test:pwd". Consent is given for every client (first-party).
//
// A client with `tamper` gets ID tokens whose `aud` and/or `iss` are replaced, signed again with
// the provider's own key: a token meant for another application or from another issuer, that a
// relying party must refuse on those claims alone (the signature is valid).
//
// Prints "ready <issuer>" on standard output once it listens.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.PROVIDER_CONFIG || '{}');
const port = Number(config.port || process.argv[2] || 9000);
const issuer = config.issuer || `http://127.0.0.1:${port}`;
const fixedAccounts = config.accounts || {};
function accountsNow() {
  return config.accounts_file ? JSON.parse(readFileSync(config.accounts_file, 'utf8')) : fixedAccounts;
}
const clients = config.clients || [];
const tampering = Object.fromEntries(clients.filter((c) => c.tamper).map((c) => [c.client_id, c.tamper]));

const KID = 'waarborg-test-key';
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };

const MFA = { amr: ['pwd', 'otp'], acr: 'urn:waarborg:test:mfa' };
const PASSWORD_ONLY = { amr: ['pwd'], acr: 'urn:waarborg:test:pwd' };

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris || [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: [privateJwk] },
  cookies: { keys: ['waarborg-test-cookie-key'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    // how the user logged in goes with every ID token (as Entra ID and Keycloak do)
    acr: null,
    amr: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  acrValues: [MFA.acr, PASSWORD_ONLY.acr],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        // the form posts to the end-session endpoint; "logout=yes" ends the session
        const withButton = form.replace('</form>', '<button type="submit" name="logout" value="yes">Uitloggen</button></form>');
        ctx.body = `<!DOCTYPE html><html><body><h1>Uitloggen bij de provider?</h1>${withButton}</body></html>`;
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = '<!DOCTYPE html><html><body><h1>Uitgelogd</h1></body></html>';
      },
    },
  },
  // Waarborg must send a PKCE challenge: the provider refuses an authorization request without one
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accountsNow()[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          preferred_username: account.preferred_username || sub,
          name: account.name,
          email: account.email,
          email_verified: true,
          groups: account.groups || [],
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'preferred_username', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

// The token response: re-sign the ID token of a tampering client with other claims.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || typeof ctx.body !== 'object' || !ctx.body.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const tamper = tampering[claims.aud] || tampering[claims.azp];
  if (!tamper) return;
  const changed = { ...claims, ...(tamper.aud ? { aud: tamper.aud } : {}), ...(tamper.iss ? { iss: tamper.iss } : {}) };
  ctx.body = {
    ...ctx.body,
    id_token: await new SignJWT(changed).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' }).sign(privateKey),
  };
});

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function loginPage(uid, error) {
  return `<!DOCTYPE html><html><body><h1>Inloggen bij de testprovider</h1>
${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label>Gebruikersnaam <input name="username"></label>
  <label>Tweede factor <select name="mfa"><option value="no">nee</option><option value="yes">ja</option></select></label>
  <button type="submit">Inloggen</button>
</form></body></html>`;
}

async function interaction(req, res) {
  const { uid, prompt } = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (prompt.name !== 'login') {
      // consent comes from loadExistingGrant; anything else finishes without a new result
      return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(loginPage(uid));
  }
  const form = await readForm(req);
  const username = form.get('username') || '';
  if (!accountsNow()[username]) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(loginPage(uid, 'Onbekende gebruiker'));
  }
  const factor = form.get('mfa') === 'yes' ? MFA : PASSWORD_ONLY;
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: username, amr: factor.amr, acr: factor.acr } },
    { mergeWithLastSubmission: false },
  );
}

const handler = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`interaction failed: ${error.message}`);
    });
    return;
  }
  handler(req, res);
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
