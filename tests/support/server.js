'use strict';
// The developer's server, as the integration tests need it: real HTTP on 127.0.0.1, started
// and stopped by each test.
//   POST /login {code}     -> code2Session against the WeChat backend, then {token, expires_in}
//   GET  /verify            -> 200 {errCode: 0} for a valid token, 200 {errCode: 40001} otherwise
//   *    /api/...           -> 200 for a valid token, 401 otherwise; ?delay=ms answers later and
//                              judges the token when it answers; /api/always401; /api/status/N
//   POST /admin/revoke-all -> every token issued so far is rejected from now on
// `knobs` change behaviour mid-test; `log` records what arrived.

const http = require('http');
const crypto = require('crypto');

function tokenOf(req, url) {
  const auth = req.headers.authorization;
  if (auth && auth.startsWith('Bearer ')) return auth.slice(7);
  if (req.headers.token) return req.headers.token;
  return url.searchParams.get('token');
}

async function startServer({ backend, now = Date.now } = {}) {
  const knobs = {
    expiresIn: 7200,        // undefined: /login sends no expires_in
    loginStatus: 200,       // anything else: /login answers it with an errcode body
    loginBody: null,        // (token, expiresIn) -> body, to send malformed answers
    loginDelayMs: 0,
    sendSessionKey: false
  };
  const log = { logins: 0, loginAttempts: 0, requests: [] };
  const tokens = new Map();

  function valid(token) {
    const entry = token && tokens.get(token);
    return !!entry && !entry.revoked && (entry.expiresAt === null || now() < entry.expiresAt);
  }

  function issue() {
    const token = 't' + (tokens.size + 1) + '.' + crypto.randomBytes(6).toString('hex');
    const expiresIn = knobs.expiresIn;
    tokens.set(token, { revoked: false, expiresAt: typeof expiresIn === 'number' ? now() + expiresIn * 1000 : null });
    return { token, expiresIn };
  }

  function send(res, status, body) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(text);
  }

  async function login(req, res, body) {
    log.loginAttempts++;
    if (knobs.loginDelayMs) await new Promise((r) => setTimeout(r, knobs.loginDelayMs));
    if (knobs.loginStatus !== 200) return send(res, knobs.loginStatus, { errcode: -1, errmsg: 'login is down' });
    let code;
    try { code = JSON.parse(body).code; } catch (e) { return send(res, 400, { errcode: 41008, errmsg: 'missing code' }); }
    if (typeof code !== 'string' || !code) return send(res, 400, { errcode: 41008, errmsg: 'missing code' });
    const session = backend.redeem({ appid: backend.appid, secret: backend.secret, js_code: code, grant_type: 'authorization_code' });
    if (session.errcode) return send(res, 400, session);
    log.logins++;
    const { token, expiresIn } = issue();
    if (knobs.loginBody) return send(res, 200, knobs.loginBody(token, expiresIn));
    const answer = { token };
    if (expiresIn !== undefined) answer.expires_in = expiresIn;
    if (knobs.sendSessionKey) answer.session_key = session.session_key;
    send(res, 200, answer);
  }

  async function api(req, res, url) {
    const token = tokenOf(req, url);
    const entry = { method: req.method, path: url.pathname, token, header: req.headers };
    log.requests.push(entry);
    const delay = Number(url.searchParams.get('delay') || 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (url.pathname === '/api/always401') return send(res, 401, { error: 'forbidden here' });
    const status = /^\/api\/status\/(\d{3})$/.exec(url.pathname);
    if (!valid(token)) return send(res, 401, { error: 'invalid token' });
    if (status) return send(res, Number(status[1]), { status: Number(status[1]) });
    send(res, 200, { ok: true, path: url.pathname, token });
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST' && url.pathname === '/login') return login(req, res, body);
      if (url.pathname === '/verify') {
        log.requests.push({ method: req.method, path: url.pathname, token: tokenOf(req, url), header: req.headers });
        return send(res, 200, { errCode: valid(tokenOf(req, url)) ? 0 : 40001 });
      }
      if (req.method === 'POST' && url.pathname === '/admin/revoke-all') {
        tokens.forEach((t) => { t.revoked = true; });
        return send(res, 200, { revoked: tokens.size });
      }
      if (url.pathname.startsWith('/api/')) return api(req, res, url);
      send(res, 404, { error: 'not found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    knobs,
    log,
    tokens,
    revokeAll: () => tokens.forEach((t) => { t.revoked = true; }),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })
  };
}

module.exports = { startServer };
