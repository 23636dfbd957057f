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
//   POST /admin/revoke        every token issued so far stops working
//   GET  /sns/jscode2session  the embedded stand-in of WeChat's endpoint
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
const { code2Session } = require('./wechat');

const STYLES = ['bearer', 'header', 'query', 'two-step'];
const MAX_BODY_BYTES = 16 * 1024;
const TICKET_LIFETIME_S = 60;
const DEMO_CLIENT = { id: 'mp-login-demo', secret: 'demo-client-secret' };

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
  stateFile,
  wechat,               // {baseUrl, appid, secret}: where code2Session goes; null: the embedded stand-in
  standIn,              // the WeChatStandIn serving /sns/jscode2session
  now = Date.now,
  onRequest = () => {}  // (line) for transcripts: {method, path, status, token}
}) {
  if (!STYLES.includes(style)) throw new Error(`unknown style "${style}" (known: ${STYLES.join(', ')})`);
  const tokens = new TokenIssuer({ stateFile, now });
  // expiresIn undefined: tokens without a lifetime (the server's 401 alone decides);
  // loginBody(token, expiresIn): what /login answers instead of {token, expires_in}.
  const knobs = { expiresIn, loginStatus: 200, loginBody: null, loginDelayMs: 0, sendSessionKey: false };
  const log = { logins: 0, loginAttempts: 0, requests: [] };
  const tickets = new Map();
  const usedTickets = new Set();
  let address = null;

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
    const target = wechat || { baseUrl: address, appid: standIn.appid, secret: standIn.secret };
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
    'POST /admin/revoke': async () => {
      tokens.revokeAll();
      return { revoked: true };
    },
    'GET /sns/jscode2session': async (req, url) => {
      if (!standIn) throw new HttpError(404, { error: 'not found' });
      return standIn.redeem(Object.fromEntries(url.searchParams));
    }
  };

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    let status = 200;
    let body;
    try {
      const route = url.pathname.startsWith('/api/') ? api : routes[req.method + ' ' + url.pathname];
      if (!route) throw new HttpError(404, { error: 'not found' });
      body = await route(req, url);
    } catch (error) {
      if (!(error instanceof HttpError)) console.error('[demo-server]', error);
      status = error instanceof HttpError ? error.status : 500;
      body = error instanceof HttpError ? error.body : { error: 'internal error' };
    }
    if (res.destroyed) return;
    const headers = { 'Content-Type': 'application/json; charset=utf-8' };
    if (status === 413) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
    if (url.pathname !== '/sns/jscode2session') {
      onRequest({ method: req.method, path: url.pathname, status, body, token: tokenFrom(req, url) });
    }
  }

  const server = http.createServer((req, res) => { handle(req, res); });
  return {
    style,
    tokens,
    knobs,
    log,
    revokeAll: () => tokens.revokeAll(),
    client: DEMO_CLIENT,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          address = `http://${host}:${server.address().port}`;
          resolve(address);
        });
      });
    },
    get url() { return address; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })
  };
}

module.exports = { createDemoServer, STYLES };
