'use strict';
// The demo's server, and the one fake back end of the tests, bench and soak: what a developer's
// backend looks like in the login styles real tutorials use. No third-party dependencies.
//
//   POST /login {code}        code2Session, then a signed token (styles bearer, header, query)
//                             or a one-minute login ticket (style two-step)
//   POST /oauth/token         two-step only: HTTP Basic client credential + {ticket} ->
//                             {access_token, token_type, expires_in}
//   GET  /verify              200 {errCode: 0 | 40001} for the token sent (the header style's
//                             launch check)
//   *    /api/...             protected: 401 without a valid token, else the caller's openid;
//                             ?delay=ms answers later and judges the token when it answers;
//                             /api/always401 refuses everyone; /api/status/N answers N
//   POST /admin/revoke        every token issued so far stops working; needs the header
//                             X-Admin-Token: <server.adminToken> (random per start; 401 without,
//                             403 wrong). A custom header also keeps other sites' pages out (CORS).
//
// The embedded stand-in of WeChat's GET /sns/jscode2session is NOT on this port (404 here): it
// listens on a loopback-only port of its own (`wechatUrl`), opened and closed with the server.
//
// Limits: bodies 16 KB; a request (headers and body) must arrive within requestTimeoutMs
// (default 10 s), its headers within headersTimeoutMs (5 s), else 408 and the socket is closed;
// a request line that is not a valid URL is a 400.
//
// `knobs` change its behaviour mid-run (a login endpoint that is down, slow or malformed) and
// `log` records what arrived; the demo leaves both alone.
//
// Styles (how the token travels and how failure is said):
//   bearer    Authorization: Bearer <t>; 401 when missing/expired/revoked
//   header    token: <t>; 401; the launch check GET /verify answers 200 {errCode: 0 | 40001}
//   query     ?token=<t>; 401
//   two-step  code -> ticket -> OAuth-style access_token; Authorization: Bearer; 401

const http = require('http');
const crypto = require('crypto');
const { TokenIssuer } = require('./tokens');
const { StateStore } = require('./state');
const { code2Session, CODE_LIFETIME_MS } = require('./wechat');

const STYLES = ['bearer', 'header', 'query', 'two-step'];
const MAX_BODY_BYTES = 16 * 1024;
const TICKET_LIFETIME_S = 60;
const DEMO_CLIENT = { id: 'mp-login-demo', secret: 'demo-client-secret' };
const MAX_USED_CODES = 10000;

// An answer other than 200 (thrown from a route), or one with a chosen status.
class HttpError extends Error {
  constructor(status, body) {
    super(body.errmsg || body.error || 'error');
    this.status = status;
    this.body = body;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    // Past the limit the rest is read and dropped rather than the socket destroyed: a client
    // still uploading would see a reset instead of the 413. `Connection: close` ends it after.
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else reject(new HttpError(413, { errcode: 413, errmsg: `body larger than ${MAX_BODY_BYTES} bytes` }));
    });
    req.on('error', reject);
    // Cut off (request timeout, client gone) before the end: nothing will answer, settle anyway.
    req.on('close', () => reject(new HttpError(400, { errcode: 40000, errmsg: 'the body was cut off' })));
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text) return resolve({});
      try {
        const body = JSON.parse(text);
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
        resolve(body);
      } catch (garbage) {
        reject(new HttpError(400, { errcode: 40000, errmsg: 'the body must be a JSON object' }));
      }
    });
  });
}

function createDemoServer({
  style = 'bearer',
  expiresIn = 7200,
  stateFile,            // see ./state.js; none: state in memory (the tests' back end)
  wechat,               // {baseUrl, appid, secret}: where code2Session goes; null: the embedded stand-in
  standIn,              // the WeChatStandIn serving /sns/jscode2session on its loopback port
  now = Date.now,
  requestTimeoutMs = 10000,  // the whole request (headers and body) must arrive within this
  headersTimeoutMs = Math.min(5000, requestTimeoutMs),
  onRequest = () => {}  // (line) for transcripts: {method, path, status, token}
}) {
  if (!STYLES.includes(style)) throw new Error(`unknown style "${style}" (known: ${STYLES.join(', ')})`);
  const store = new StateStore(stateFile);
  const tokens = new TokenIssuer({ store, now });
  // Revoking every user's token is an admin action: random per start, printed by the demo.
  const adminToken = crypto.randomBytes(24).toString('base64url');
  if (standIn) rememberUsedCodes();
  // expiresIn undefined: tokens without a lifetime (the server's 401 alone decides);
  // loginBody(token, expiresIn): what /login answers instead of {token, expires_in}.
  const knobs = { expiresIn, loginStatus: 200, loginBody: null, loginDelayMs: 0, sendSessionKey: false };
  const log = { logins: 0, loginAttempts: 0, requests: [] };
  const tickets = new Map();
  const usedTickets = new Set();
  let address = null;
  let wechatAddress = null;

  // wx.login codes are exchanged once. WeChat remembers that; the stand-in remembers it in memory,
  // so with a state file the used codes are kept there too, with their issue time: a restarted
  // `--serve` (whose stand-in accepts codes it never issued) still refuses a replayed code. A code
  // is dropped once past WeChat's 5-minute lifetime, and the list is bounded (the newest kept);
  // a code forgotten that way that is replayed still cannot impersonate anyone, because the
  // stand-in gives a code it does not know a random openid, not one derived from the code.
  function rememberUsedCodes() {
    const saved = store.data.usedCodes;
    if (Array.isArray(saved)) {
      for (const entry of saved) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && Number.isFinite(entry[1])) standIn.markUsed(entry[0], entry[1]);
      }
    }
  }
  function persistUsedCodes() {
    if (!store.file) return;
    const fresh = standIn.usedCodes().filter(([, issuedAt]) => now() - issuedAt <= CODE_LIFETIME_MS);
    store.data.usedCodes = fresh.sort((a, b) => a[1] - b[1]).slice(-MAX_USED_CODES);
    store.save();
  }

  function tokenFrom(req, url) {
    if (style === 'header') return req.headers.token;
    if (style === 'query') return url.searchParams.get('token');
    const auth = req.headers.authorization || '';
    return auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
  }

  // The caller's claims; a missing, expired or revoked token is a 401 in every style.
  function authenticate(req, url) {
    const result = tokens.check(tokenFrom(req, url));
    if (result.claims) return result.claims;
    throw new HttpError(401, { error: 'unauthorized', reason: result.error });
  }

  async function sessionFor(code) {
    if (typeof code !== 'string' || !code || code.length > 128) {
      throw new HttpError(400, { errcode: 41008, errmsg: 'missing code' });
    }
    const target = wechat || { baseUrl: wechatAddress, appid: standIn.appid, secret: standIn.secret };
    const session = await code2Session(target, code);
    if (session.errcode) throw new HttpError(400, { errcode: session.errcode, errmsg: session.errmsg });
    if (typeof session.openid !== 'string') throw new HttpError(502, { errcode: -1, errmsg: 'code2Session gave no openid' });
    return session; // its session_key stays here unless a test asks for the mistake
  }

  function logRequest(req, url) {
    log.requests.push({ method: req.method, path: url.pathname, token: tokenFrom(req, url) || null, header: req.headers });
  }

  async function api(req, url) {
    logRequest(req, url);
    const delay = Number(url.searchParams.get('delay') || 0);
    if (delay) await sleep(Math.min(delay, 60000));
    if (url.pathname === '/api/always401') throw new HttpError(401, { error: 'unauthorized', reason: 'never here' });
    const claims = authenticate(req, url);
    const status = /^\/api\/status\/(\d{3})$/.exec(url.pathname);
    if (status) throw new HttpError(Number(status[1]), { status: Number(status[1]) });
    return { ok: true, path: url.pathname, openid: claims.sub, tokenIssuedAt: claims.iat,
      servedAt: new Date(now()).toISOString(), token: tokenFrom(req, url) };
  }

  const routes = {
    'POST /login': async (req) => {
      log.loginAttempts++;
      if (knobs.loginDelayMs) await sleep(knobs.loginDelayMs);
      const { code } = await readJson(req);
      if (knobs.loginStatus !== 200) throw new HttpError(knobs.loginStatus, { errcode: -1, errmsg: 'login is down' });
      const session = await sessionFor(code);
      log.logins++;
      if (style === 'two-step') {
        const ticket = crypto.randomBytes(16).toString('hex');
        tickets.set(ticket, { openid: session.openid, expiresAt: now() + TICKET_LIFETIME_S * 1000 });
        return { ticket, expires_in: TICKET_LIFETIME_S };
      }
      const token = tokens.issue(session.openid, knobs.expiresIn);
      if (knobs.loginBody) return knobs.loginBody(token, knobs.expiresIn);
      const answer = { token };
      if (knobs.expiresIn !== undefined) answer.expires_in = knobs.expiresIn;
      if (knobs.sendSessionKey) answer.session_key = session.session_key;
      return answer;
    },
    'POST /oauth/token': async (req) => {
      if (style !== 'two-step') throw new HttpError(404, { error: 'not found' });
      const basic = 'Basic ' + Buffer.from(DEMO_CLIENT.id + ':' + DEMO_CLIENT.secret).toString('base64');
      if (req.headers.authorization !== basic) throw new HttpError(401, { error: 'invalid_client' });
      const { ticket } = await readJson(req);
      const entry = typeof ticket === 'string' && tickets.get(ticket);
      tickets.delete(ticket);
      if (!entry || usedTickets.has(ticket) || now() > entry.expiresAt) throw new HttpError(400, { error: 'invalid_grant' });
      usedTickets.add(ticket);
      return { access_token: tokens.issue(entry.openid, knobs.expiresIn), token_type: 'Bearer', expires_in: knobs.expiresIn };
    },
    'GET /verify': async (req, url) => {
      logRequest(req, url);
      const result = tokens.check(tokenFrom(req, url));
      return result.claims ? { errCode: 0 } : { errCode: 40001, errMsg: 'token ' + result.error };
    },
    'POST /admin/revoke': async (req) => {
      const given = req.headers['x-admin-token'];
      if (typeof given !== 'string' || !given) throw new HttpError(401, { error: 'unauthorized', reason: 'X-Admin-Token required' });
      const expected = crypto.createHash('sha256').update(adminToken).digest();
      if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected)) {
        throw new HttpError(403, { error: 'forbidden', reason: 'wrong admin token' });
      }
      tokens.revokeAll();
      return { revoked: true };
    }
  };

  // Any request line must end in an answer: a target `new URL` cannot parse is a 400, and nothing
  // thrown here may escape as an unhandled rejection (which would end the process).
  async function handle(req, res, table, transcript) {
    let url = null;
    let status = 200;
    let body;
    try {
      try {
        url = new URL(req.url, 'http://localhost');
      } catch (badTarget) {
        throw new HttpError(400, { errcode: 40000, errmsg: 'bad request target' });
      }
      const route = table === routes && url.pathname.startsWith('/api/') ? api : table[req.method + ' ' + url.pathname];
      if (!route) throw new HttpError(404, { error: 'not found' });
      body = await route(req, url);
    } catch (error) {
      if (!(error instanceof HttpError)) console.error('[demo-server]', error);
      status = error instanceof HttpError ? error.status : 500;
      body = error instanceof HttpError ? error.body : { error: 'internal error' };
    }
    if (res.destroyed || res.headersSent) return;
    const headers = { 'Content-Type': 'application/json; charset=utf-8' };
    if (status === 413 || status === 400 && !url) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
    if (transcript) {
      onRequest({ method: req.method, path: url ? url.pathname : req.url, status, body, token: url ? tokenFrom(req, url) : null });
    }
  }

  function httpServer(table, transcript) {
    const created = http.createServer({
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      // How often Node looks for requests past those limits (its default is every 30 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 2)))
    }, (req, res) => {
      handle(req, res, table, transcript).catch((error) => {
        console.error('[demo-server]', error);
        if (!res.destroyed) res.destroy();
      });
    });
    return created;
  }

  const server = httpServer(routes, true);
  // The code2Session stand-in: its own server, bound to loopback whatever the public host is.
  const wechatRoutes = {
    'GET /sns/jscode2session': async (req, url) => {
      const answer = standIn.redeem(Object.fromEntries(url.searchParams));
      if (answer.openid) persistUsedCodes();
      return answer;
    }
  };
  const wechatServer = standIn ? httpServer(wechatRoutes, false) : null;

  function listenOn(target, port, host) {
    return new Promise((resolve, reject) => {
      target.once('error', reject);
      target.listen(port, host, () => {
        target.off('error', reject);
        resolve(target.address().port);
      });
    });
  }
  const closeServer = (target) => new Promise((resolve) => {
    if (!target || !target.listening) return resolve();
    target.closeAllConnections();
    target.close(() => resolve());
  });

  return {
    style,
    tokens,
    knobs,
    log,
    revokeAll: () => tokens.revokeAll(),
    client: DEMO_CLIENT,
    adminToken,
    stateFile: store.file,
    async listen(port = 0, host = '127.0.0.1') {
      if (wechatServer && !wechatAddress) wechatAddress = `http://127.0.0.1:${await listenOn(wechatServer, 0, '127.0.0.1')}`;
      try {
        address = `http://${host}:${await listenOn(server, port, host)}`;
      } catch (error) {
        await closeServer(wechatServer);
        wechatAddress = null;
        throw error;
      }
      return address;
    },
    get url() { return address; },
    // Where the code2Session stand-in answers (loopback only); null without a stand-in.
    get wechatUrl() { return wechatAddress; },
    close: () => Promise.all([closeServer(server), closeServer(wechatServer)]).then(() => {})
  };
}

module.exports = { createDemoServer, STYLES };
