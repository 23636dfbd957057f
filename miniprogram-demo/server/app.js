'use strict';
// The demo's server: what a developer's backend looks like in the login styles real tutorials
// use. No third-party dependencies.
//
//   POST /login {code}        code2Session, then a signed token (styles bearer, header, query)
//                             or a one-minute login ticket (style two-step)
//   POST /oauth/token         two-step only: HTTP Basic client credential + {ticket} ->
//                             {access_token, token_type, expires_in}
//   GET  /verify              header style: 200 {errCode: 0 | 40001} for the token sent
//   GET  /api/profile         protected: the caller's openid
//   POST /admin/revoke        every token issued so far stops working
//   GET  /sns/jscode2session  the embedded stand-in of WeChat's endpoint
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

class HttpError extends Error {
  constructor(status, body) {
    super(body.errmsg || body.error || 'error');
    this.status = status;
    this.body = body;
  }
}

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

  async function openidFor(code) {
    if (typeof code !== 'string' || !code || code.length > 128) {
      throw new HttpError(400, { errcode: 41008, errmsg: 'missing code' });
    }
    const target = wechat || { baseUrl: address, appid: standIn.appid, secret: standIn.secret };
    const session = await code2Session(target, code);
    if (session.errcode) throw new HttpError(400, { errcode: session.errcode, errmsg: session.errmsg });
    if (typeof session.openid !== 'string') throw new HttpError(502, { errcode: -1, errmsg: 'code2Session gave no openid' });
    return session.openid; // session_key stays here: it is never sent to the mini program
  }

  const routes = {
    'POST /login': async (req) => {
      const { code } = await readJson(req);
      const openid = await openidFor(code);
      if (style === 'two-step') {
        const ticket = crypto.randomBytes(16).toString('hex');
        tickets.set(ticket, { openid, expiresAt: now() + TICKET_LIFETIME_S * 1000 });
        return { ticket, expires_in: TICKET_LIFETIME_S };
      }
      return { token: tokens.issue(openid, expiresIn), expires_in: expiresIn };
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
      return { access_token: tokens.issue(entry.openid, expiresIn), token_type: 'Bearer', expires_in: expiresIn };
    },
    'GET /verify': async (req, url) => {
      const result = tokens.check(tokenFrom(req, url));
      return result.claims ? { errCode: 0 } : { errCode: 40001, errMsg: 'token ' + result.error };
    },
    'GET /api/profile': async (req, url) => {
      const claims = authenticate(req, url);
      return { openid: claims.sub, tokenIssuedAt: claims.iat, servedAt: new Date(now()).toISOString() };
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
      const route = routes[req.method + ' ' + url.pathname];
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
