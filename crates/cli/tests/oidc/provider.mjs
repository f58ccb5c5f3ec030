// Test OpenID Provider for Mandate's SSO integration tests.
//
//   node provider.mjs <port> <redirect_uri> <client_secret>
//
// Built on panva's certified `oidc-provider` so the happy path is a real,
// standards-conformant OP; everything test-specific (account ids typed into
// the dev login form, skipped consent, tampered ID tokens) is layered on top.
// Prints exactly one line `listening http://127.0.0.1:<port>` on stdout once
// ready; everything else goes to stderr.
import * as crypto from 'node:crypto';
import Provider from 'oidc-provider';

// oidc-provider prints its "you SHOULD change ..." notices with console.info
// (stdout). The Rust test reads stdout for the ready line, so keep stdout for
// that line alone and send all other chatter to stderr.
console.info = (...args) => console.error(...args);
console.log = (...args) => console.error(...args);

// Exit 0 on SIGTERM (how the Rust test stops us). Imports load first (~1 s),
// so a SIGTERM sent before that still ends us by the default action (143).
let server;
function shutdown() {
  server?.close();
  server?.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

const [portArg, redirectUri, clientSecret] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || !redirectUri || !clientSecret) {
  console.error('usage: node provider.mjs <port> <redirect_uri> <client_secret>');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const KID = 'mandate-test-key';

// A fresh RSA key per run, exported as a private JWK. We use node:crypto (not
// jose) so the only direct dependency is oidc-provider. The KeyObject is kept
// so the tamper middleware can re-sign ID tokens with the genuine key.
function newRsaKey() {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}
const signingKey = newRsaKey();
const privateJwk = { ...signingKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

// The login typed into the dev form IS the account id:
//   [unverified:|noemail:]<email>[;groups=a,b,c]
function parseAccountId(id) {
  let rest = id;
  let verified = true;
  let hasEmail = true;
  if (rest.startsWith('unverified:')) { verified = false; rest = rest.slice('unverified:'.length); }
  else if (rest.startsWith('noemail:')) { hasEmail = false; rest = rest.slice('noemail:'.length); }
  const [who, ...params] = rest.split(';');
  let groups = [];
  for (const p of params) {
    if (p.startsWith('groups=')) groups = p.slice('groups='.length).split(',').filter(Boolean);
  }
  const claims = { sub: id, name: who.split('@')[0], groups };
  if (hasEmail) { claims.email = who.toLowerCase(); claims.email_verified = verified; }
  return claims;
}

const ALL_SCOPES = 'openid email profile groups';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'mandate',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Only S256 exists in oidc-provider v9; force PKCE even for confidential clients.
  pkce: { required: () => true },
  scopes: ALL_SCOPES.split(' '),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // conformIdTokenClaims stays true (default): with response_type=code the ID
  // token carries only sub + protocol claims; email/groups come via UserInfo.
  cookies: { keys: ['mandate-test-cookie-key-not-a-secret'] },
  jwks: { keys: [privateJwk] },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return parseAccountId(id); } };
  },
  // panva's "skip_consent" recipe: the only client is first-party, so hand out a
  // grant covering every scope right after login and the consent prompt never
  // shows; the browser goes straight from the login form to the redirect_uri.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ALL_SCOPES);
    await grant.save();
    return grant;
  },
  // devInteractions stays enabled (default): login form at /interaction/{uid}.
});

provider.on('server_error', (ctx, err) => console.error('server_error', ctx.path, err));

// ---- ID token tampering -------------------------------------------------
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// Sign header.payload as RS256 (RSASSA-PKCS1-v1_5 / SHA-256).
function sign(header, payload, key) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(crypto.sign('sha256', Buffer.from(input), key))}`;
}

// Re-sign the token after letting `edit` change its payload; the header
// (alg, kid, typ) is kept as issued so only the intended defect differs.
function resign(idToken, key, edit = () => {}) {
  const [h, p] = idToken.split('.');
  const payload = decode(p);
  edit(payload);
  return sign(decode(h), payload, key);
}

let mode = 'normal';
let lastIdToken; // last genuine id_token handed out, for `replay`

const tamper = {
  normal: (t) => t,
  // Swap the FIRST signature character between 'A' and 'B': still valid
  // base64url and still a value below the modulus, so verifiers report a plain
  // bad signature. (The last character would be unsafe: its low bits are
  // padding that lenient base64 decoders ignore.)
  'bad-signature': (t) => {
    const i = t.lastIndexOf('.') + 1;
    return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  },
  // Same kid as the published key, but signed by a key nobody published.
  'foreign-key': (t) => resign(t, newRsaKey()),
  'wrong-audience': (t) => resign(t, signingKey, (p) => { p.aud = 'someone-else'; }),
  'wrong-issuer': (t) => resign(t, signingKey, (p) => { p.iss = 'http://127.0.0.1:1/'; }),
  expired: (t) => resign(t, signingKey, (p) => {
    const now = Math.floor(Date.now() / 1000);
    p.exp = now - 600;
    p.iat = now - 1200;
  }),
};
const MODES = new Set([...Object.keys(tamper), 'replay', 'none', 'fail-token']);

provider.use(async (ctx, next) => {
  // Test control: GET /__test/mode?m=<mode>; the mode sticks until changed.
  if (ctx.path === '/__test/mode') {
    const m = ctx.query.m;
    if (!MODES.has(m)) { ctx.status = 400; ctx.body = `unknown mode ${m}`; return; }
    mode = m;
    ctx.status = 204;
    return;
  }
  const isToken = ctx.path === '/token' && ctx.method === 'POST';
  if (isToken && mode === 'fail-token') {
    // Simulate a broken IdP; the code is left unredeemed.
    ctx.status = 500;
    ctx.body = { error: 'server_error', error_description: 'simulated IdP failure' };
    return;
  }
  await next();
  if (!isToken || ctx.status !== 200 || typeof ctx.body?.id_token !== 'string') return;
  const genuine = ctx.body.id_token;
  const previous = lastIdToken;
  lastIdToken = genuine;
  try {
    if (mode === 'none') delete ctx.body.id_token;
    else if (mode === 'replay') {
      if (previous) ctx.body.id_token = previous;
      else console.error('replay mode: no earlier id_token to replay, sending the genuine one');
    } else ctx.body.id_token = tamper[mode](genuine);
  } catch (err) {
    console.error('tampering failed', err);
  }
});

server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
server.on('error', (err) => { console.error(err); process.exit(1); });
