// Drives Logto's Node SDK (@logto/node, unchanged) against a running Monban:
// sign-in through the hosted pages, callback, ID token claims, userinfo, an
// access token for an API resource, forced refreshes, sign-out. It prints ONE
// JSON object with everything it observed on stdout; tests/clients asserts on
// it. Exit code 0 when the whole flow ran, 1 when a step threw (the JSON then
// carries "error" and "step").
//
// Inputs (argv --name value, or environment):
//   --endpoint  LOGTO_ENDPOINT    Monban's public endpoint (http://host:port)
//   --app-id    LOGTO_APP_ID
//   --app-secret LOGTO_APP_SECRET
//   --username  LOGTO_USERNAME
//   --password  LOGTO_PASSWORD
//   --resource  LOGTO_RESOURCE    API resource indicator
//   --redirect-uri              default http://localhost:3000/callback
//   --post-logout-redirect-uri  default http://localhost:3000/
import LogtoClient from '@logto/node';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith('--')) continue;
  const eq = a.indexOf('=');
  if (eq > 0) args[a.slice(2, eq)] = a.slice(eq + 1);
  else args[a.slice(2)] = process.argv[++i];
}
const opt = (name, env, def) => args[name] ?? process.env[env] ?? def;
const endpoint = opt('endpoint', 'LOGTO_ENDPOINT');
const appId = opt('app-id', 'LOGTO_APP_ID');
const appSecret = opt('app-secret', 'LOGTO_APP_SECRET');
const username = opt('username', 'LOGTO_USERNAME');
const password = opt('password', 'LOGTO_PASSWORD');
const resource = opt('resource', 'LOGTO_RESOURCE');
const redirectUri = opt('redirect-uri', 'LOGTO_REDIRECT_URI', 'http://localhost:3000/callback');
const postLogoutRedirectUri = opt('post-logout-redirect-uri', 'LOGTO_POST_LOGOUT_REDIRECT_URI', 'http://localhost:3000/');
for (const [k, v] of Object.entries({ endpoint, appId, appSecret, username, password, resource })) {
  if (!v) {
    console.log(JSON.stringify({ error: `missing input ${k}`, step: 'args' }));
    process.exit(2);
  }
}

const out = { sdk: '@logto/node', endpoint, trace: [], hops: [] };
let step = 'init';

// --- What the SDK sends: the SDK calls the global fetch at request time, so
// wrapping it records every request it makes (method, path, status, grant).
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const entry = { step, method: init.method ?? 'GET', path: url.pathname };
  if (typeof init.body === 'string') {
    const form = new URLSearchParams(init.body);
    for (const k of ['grant_type', 'resource', 'client_id', 'scope']) if (form.has(k)) entry[k] = form.get(k);
    if (form.has('client_secret')) entry.client_secret_in_body = true;
  }
  const h = new Headers(init.headers ?? {});
  entry.basic_auth = (h.get('authorization') ?? '').startsWith('Basic ');
  try {
    const res = await realFetch(input, init);
    entry.status = res.status;
    entry.content_type = res.headers.get('content-type');
    if (!res.ok) entry.body = await res.clone().text();
    return res;
  } catch (e) {
    entry.fetch_error = String(e?.cause ?? e);
    throw e;
  } finally {
    out.trace.push(entry);
  }
};

// --- In-memory storage and a navigate callback that captures the URL.
const storageMap = new Map();
const storage = {
  getItem: async (k) => storageMap.get(k) ?? null,
  setItem: async (k, v) => { storageMap.set(k, v); },
  removeItem: async (k) => { storageMap.delete(k); },
};
const navigations = [];
const client = new LogtoClient(
  { endpoint, appId, appSecret, resources: [resource], scopes: ['email'] },
  { storage, navigate: (url, p) => { navigations.push({ url, for: p?.for }); } },
);

// --- A tiny browser: cookie jar keyed by host (browsers ignore the port
// for cookies), redirects followed by hand, every hop recorded.
const jar = new Map(); // hostname -> Map(name -> {value, path})
function storeCookies(url, res) {
  const host = url.hostname;
  if (!jar.has(host)) jar.set(host, new Map());
  const cookies = jar.get(host);
  for (const sc of res.headers.getSetCookie()) {
    const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expired = false;
    for (const a of attrs) {
      const [k, v = ''] = a.split('=');
      const key = k.toLowerCase();
      if (key === 'path') path = v || '/';
      if (key === 'max-age' && Number(v) <= 0) expired = true;
      if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
    }
    if (expired) cookies.delete(name);
    else cookies.set(name, { value, path });
  }
}
function cookieHeader(url) {
  const cookies = jar.get(url.hostname);
  if (!cookies) return undefined;
  const parts = [];
  for (const [name, { value, path }] of cookies) {
    if (url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : path + '/')) parts.push(`${name}=${value}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}
async function request(method, url, form) {
  const u = new URL(url);
  const headers = {};
  const c = cookieHeader(u);
  if (c) headers.cookie = c;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await realFetch(u, { method, headers, body, redirect: 'manual' });
  storeCookies(u, res);
  const text = await res.text();
  const location = res.headers.get('location');
  out.hops.push({ step, method, url: u.origin + u.pathname, status: res.status, location: location ?? undefined });
  return { status: res.status, location: location ? new URL(location, u).toString() : null, text };
}

const decodeEntities = (s) => s.replace(/&amp;/g, '&').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
function parseForm(html) {
  const m = /<form[^>]*action="([^"]*)"/is.exec(html);
  const fields = {};
  for (const input of html.match(/<input[^>]*>/gis) ?? []) {
    const name = /name="([^"]*)"/i.exec(input);
    const value = /value="([^"]*)"/i.exec(input);
    if (name) fields[decodeEntities(name[1])] = value ? decodeEntities(value[1]) : '';
  }
  return { action: m ? decodeEntities(m[1]) : null, fields };
}

// follow walks from url through Monban until a redirect leaves the endpoint
// and returns that URL. A page with a password input is the sign-in form
// (filled with the credentials); any other page with a form is submitted as
// it is (for example a sign-out confirmation that a browser would auto-post).
async function follow(url, { credentials } = {}) {
  let method = 'GET';
  let form;
  let next = url;
  for (let i = 0; i < 20; i++) {
    const res = await request(method, next, form);
    if (res.status >= 300 && res.status < 400) {
      if (!res.location) throw new Error(`${method} ${next}: ${res.status} without Location`);
      if (!res.location.startsWith(endpoint)) return { url: res.location, page: null };
      next = res.location;
      method = 'GET';
      form = undefined;
      continue;
    }
    if (res.status !== 200) throw new Error(`${method} ${next}: ${res.status}\n${res.text.slice(0, 2000)}`);
    const { action, fields } = parseForm(res.text);
    if (!action) return { url: next, page: res.text };
    if (/type="password"/i.test(res.text)) {
      if (!credentials) return { url: next, page: res.text };
      fields.identifier = credentials.username;
      fields.password = credentials.password;
    }
    next = new URL(action, next).toString();
    method = 'POST';
    form = fields;
  }
  throw new Error('too many hops');
}

const b64json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
function decodeJwt(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return { opaque: true, length: String(token).length };
  return { header: b64json(parts[0]), payload: b64json(parts[1]) };
}

try {
  step = 'signIn';
  await client.signIn({ redirectUri });
  const authUrl = new URL(navigations.at(-1).url);
  out.authorization = { url: authUrl.origin + authUrl.pathname, for: navigations.at(-1).for, params: {} };
  for (const k of new Set(authUrl.searchParams.keys())) {
    const all = authUrl.searchParams.getAll(k);
    out.authorization.params[k] = all.length > 1 ? all : all[0];
  }

  step = 'hostedSignIn';
  const landed = await follow(authUrl.toString(), { credentials: { username, password } });
  out.callbackUrl = landed.url;
  if (!landed.url.startsWith(redirectUri)) throw new Error(`sign-in did not reach the redirect URI: ${landed.url}`);

  step = 'handleSignInCallback';
  await client.handleSignInCallback(landed.url);
  out.isAuthenticated = await client.isAuthenticated();

  step = 'getIdTokenClaims';
  const idToken0 = await client.getIdToken();
  out.idToken = { header: decodeJwt(idToken0).header, claims: await client.getIdTokenClaims() };
  const refresh0 = await client.getRefreshToken();
  out.hasRefreshToken = Boolean(refresh0);

  step = 'fetchUserInfo';
  out.userinfo = await client.fetchUserInfo();
  out.defaultAccessToken = decodeJwt(await client.getAccessToken());

  step = 'getAccessToken(resource)';
  // Not in the SDK's map yet: the SDK gets it with a refresh_token grant
  // carrying resource=...
  const apiToken = await client.getAccessToken(resource);
  out.resourceAccessToken = { ...decodeJwt(apiToken), raw: apiToken }; // raw: the Go test verifies its signature
  out.resourceAccessTokenClaims = await client.getAccessTokenClaims(resource);
  const refresh1 = await client.getRefreshToken();

  step = 'forcedRefresh';
  // clearAccessToken() empties the SDK's access-token cache; the next
  // getAccessToken() must refresh (grant_type=refresh_token, no resource).
  await client.clearAccessToken();
  const idTokenBefore = await client.getIdToken();
  const fresh = await client.getAccessToken();
  const refresh2 = await client.getRefreshToken();
  const idTokenAfter = await client.getIdToken();
  out.refresh = {
    refreshTokenRotatedOnResourceGrant: Boolean(refresh1) && refresh1 !== refresh0,
    refreshTokenRotatedOnForcedRefresh: Boolean(refresh2) && refresh2 !== refresh1,
    refreshTokenPresentAfter: Boolean(refresh2),
    newAccessToken: decodeJwt(fresh),
    accessTokenChanged: fresh !== apiToken,
    idTokenReplaced: idTokenAfter !== idTokenBefore,
    idTokenAfter: idTokenAfter ? decodeJwt(idTokenAfter).payload : null,
    grants: out.trace.filter((t) => t.grant_type === 'refresh_token').map((t) => ({ resource: t.resource ?? null, status: t.status })),
  };
  step = 'fetchUserInfo(after refresh)';
  out.userinfoAfterRefresh = await client.fetchUserInfo();

  step = 'signOut';
  await client.signOut(postLogoutRedirectUri);
  const signOutNav = navigations.at(-1);
  const signOutUrl = new URL(signOutNav.url);
  out.signOut = {
    for: signOutNav.for,
    url: signOutUrl.origin + signOutUrl.pathname,
    params: Object.fromEntries(signOutUrl.searchParams),
    revocation: out.trace.filter((t) => t.step === 'signOut' && t.path.endsWith('/revocation')).map((t) => ({ status: t.status, body: t.body })),
    isAuthenticatedAfter: await client.isAuthenticated(),
  };
  step = 'endSession';
  const ended = await follow(signOutNav.url);
  out.signOut.landedOn = ended.url;

  step = 'refreshAfterSignOut';
  // The SDK revoked its refresh token on sign-out: using it now must fail.
  const { tokenEndpoint } = await client.getOidcConfig();
  const res = await realFetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh2, client_id: appId }).toString(),
  });
  out.refreshAfterSignOut = { status: res.status, body: await res.json().catch(() => null) };

  step = 'signInAgain';
  // The browser session ended: a new sign-in must show the sign-in form
  // again instead of coming straight back with a code.
  await client.signIn({ redirectUri });
  const again = await follow(navigations.at(-1).url);
  out.signInAgainShowsForm = again.page !== null && /type="password"/i.test(again.page);
  out.signInAgainStoppedAt = again.url;
  console.log(JSON.stringify(out));
} catch (e) {
  out.step = step;
  out.error = String(e?.stack ?? e);
  if (e?.cause) out.cause = String(e.cause?.stack ?? e.cause);
  if (e?.data) out.errorData = e.data;
  console.log(JSON.stringify(out));
  process.exit(1);
}
