'use strict';
// The demo server: every login style end to end through the sandbox, hostile input answered with
// a 4xx, tokens that survive a restart, and code2Session going where it is told.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { execFile, spawn } = require('child_process');
const { createDemoServer, STYLES } = require('../../miniprogram-demo/server/app');
const { WeChatStandIn } = require('../../miniprogram-demo/server/wechat');
const { sessionOptions } = require('../../miniprogram-demo/miniprogram/config');
const { createFakeWx } = require('../../simulator/fake-wx');
const { createSandbox, miniprogramRoot } = require('../../simulator/sandbox');

const story = path.resolve(__dirname, '../../miniprogram-demo/story.js');
const stateFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-state-')), 'state.json');

async function demoServer(options = {}) {
  const standIn = options.standIn || new WeChatStandIn();
  const server = createDemoServer(Object.assign({ stateFile: stateFile(), standIn }, options));
  await server.listen(0);
  return { server, standIn };
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, data: await response.json() };
}

// Sends `text` over a raw TCP socket to the server at `url`; resolves with what came back and
// how long until the server closed the connection (or `limitMs` passed: closed false).
function raw(url, text, { limitMs = 5000, end = false } = {}) {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ received, closed: false, ms: Date.now() - started }); }, limitMs);
    socket.on('connect', () => { socket.write(text); if (end) socket.end(); });
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    socket.on('error', () => {}); // a reset is an answer too: 'close' follows
    socket.on('close', () => { clearTimeout(timer); resolve({ received, closed: true, ms: Date.now() - started }); });
  });
}

const profileStatus = (server, token) =>
  fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer ' + token } }).then((r) => r.status);

for (const style of STYLES) {
  test(`the ${style} style: the demo story passes through the sandbox over real HTTP`, () => new Promise((resolve, reject) => {
    execFile(process.execPath, [story, '--style', style, '--state', stateFile()], { timeout: 60000 }, (error, stdout) => {
      try {
        assert.equal(error, null, stdout);
        assert.match(stdout, /\n8 passed, 0 failed\n/);
        resolve();
      } catch (failure) {
        reject(failure);
      }
    });
  }));
}

test('the header style: verify catches a revoked restored token before any API call', async () => {
  const { server, standIn } = await demoServer({ style: 'header' });
  const storage = new Map();
  const root = miniprogramRoot();
  const launch = () => {
    const { wx, control } = createFakeWx({ backend: standIn, storage });
    const sandbox = createSandbox({ root, wx });
    return { control, session: sandbox.require('mp-login').createSession(sessionOptions('header', server.url)) };
  };
  try {
    const first = launch();
    await first.session.start();
    await post(server.url + '/admin/revoke', '', { 'X-Admin-Token': server.adminToken });
    const second = launch();
    const response = await second.session.request({ url: '/api/profile' });
    assert.equal(response.statusCode, 200);
    assert.equal(typeof response.data.openid, 'string');
    assert.equal(second.control.loginCalls, 1);
  } finally {
    await server.close();
  }
});

test('bad input to the server gets a clear 4xx and the server keeps serving', async () => {
  const { server, standIn } = await demoServer();
  try {
    const login = server.url + '/login';
    assert.deepEqual(await post(login, ''), { status: 400, data: { errcode: 41008, errmsg: 'missing code' } });
    assert.equal((await post(login, '{"code": ')).status, 400);
    assert.equal((await post(login, '[1,2]')).status, 400);
    assert.equal((await post(login, 'null')).status, 400);
    assert.equal((await post(login, JSON.stringify({ code: 42 }))).status, 400);
    assert.equal((await post(login, JSON.stringify({ code: 'x'.repeat(10000) }))).status, 400);
    for (const size of [20000, 1024 * 1024]) {
      const huge = await post(login, 'x'.repeat(size));
      assert.equal(huge.status, 413, 'a ' + size + '-byte body');
      assert.match(huge.data.errmsg, /larger than 16384 bytes/);
    }
    assert.equal((await post(login, JSON.stringify({ code: 'never-issued' }))).data.errcode, 40029);
    const code = standIn.issueCode();
    assert.equal((await post(login, JSON.stringify({ code }))).status, 200);
    assert.deepEqual(await post(login, JSON.stringify({ code })), { status: 400, data: { errcode: 40163, errmsg: 'code been used' } });
    assert.equal((await fetch(server.url + '/nope')).status, 404);
    assert.equal((await fetch(server.url + '/api/profile')).status, 401);
    assert.equal((await fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer a.b.c' } })).status, 401);
    assert.equal((await post(login, JSON.stringify({ code: standIn.issueCode() }))).status, 200, 'server died');
  } finally {
    await server.close();
  }
});

test('a restarted server accepts the tokens it issued, and a revocation outlives the restart', async () => {
  const file = stateFile();
  const standIn = new WeChatStandIn();
  const issue = async (server) => (await post(server.url + '/login', JSON.stringify({ code: standIn.issueCode() }))).data.token;
  const profile = (server, token) => fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer ' + token } }).then((r) => r.status);
  const first = (await demoServer({ stateFile: file, standIn })).server;
  const token = await issue(first);
  await first.close();
  const second = (await demoServer({ stateFile: file, standIn })).server;
  assert.equal(await profile(second, token), 200);
  await post(second.url + '/admin/revoke', '', { 'X-Admin-Token': second.adminToken });
  await second.close();
  const third = (await demoServer({ stateFile: file, standIn })).server;
  try {
    assert.equal(await profile(third, token), 401);
  } finally {
    await third.close();
  }
});

test('with an appid and secret, code2Session goes to the configured WeChat base URL', async () => {
  const wechat = new WeChatStandIn({ appid: 'wxrealappid', secret: 'real-secret' });
  const weixin = (await demoServer({ standIn: wechat })).server;     // its stand-in plays api.weixin.qq.com
  const right = (await demoServer({ wechat: { baseUrl: weixin.wechatUrl, appid: 'wxrealappid', secret: 'real-secret' } })).server;
  const wrong = (await demoServer({ wechat: { baseUrl: weixin.wechatUrl, appid: 'wxrealappid', secret: 'leaked' } })).server;
  try {
    const ok = await post(right.url + '/login', JSON.stringify({ code: wechat.issueCode() }));
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.data.token, 'string');
    assert.equal(ok.data.session_key, undefined, 'session_key must stay on the server');
    const denied = await post(wrong.url + '/login', JSON.stringify({ code: wechat.issueCode() }));
    assert.deepEqual(denied, { status: 400, data: { errcode: 40125, errmsg: 'invalid appsecret' } });
  } finally {
    await Promise.all([weixin.close(), right.close(), wrong.close()]);
  }
});

test('a request line whose target is not a valid URL gets a 400 and the server keeps serving', async () => {
  const { server, standIn } = await demoServer();
  try {
    for (const target of ['http://[', '//[::1', 'http://x:99999/', 'http://[::1/', 'http://a b/', '//x:-1', 'http:', 'https://%zz']) {
      const answer = await raw(server.url, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.match(answer.received, /^HTTP\/1\.1 400 /, 'target ' + target);
    }
    const login = await post(server.url + '/login', JSON.stringify({ code: standIn.issueCode() }));
    assert.equal(login.status, 200, 'server died');
    assert.equal(await profileStatus(server, login.data.token), 200);
  } finally {
    await server.close();
  }
});

test('POST /admin/revoke needs the admin token the server was started with (401 without, 403 wrong)', async () => {
  const { server, standIn } = await demoServer();
  const other = (await demoServer()).server;
  try {
    assert.equal(typeof server.adminToken, 'string');
    assert.ok(server.adminToken.length >= 24, 'a guessable admin token');
    assert.notEqual(server.adminToken, other.adminToken, 'the admin token is not random per start');
    const { token } = (await post(server.url + '/login', JSON.stringify({ code: standIn.issueCode() }))).data;
    const revoke = (headers) => post(server.url + '/admin/revoke', '', headers);
    assert.equal((await revoke({})).status, 401);
    assert.equal((await revoke({ 'X-Admin-Token': '' })).status, 401);
    assert.equal((await revoke({ 'X-Admin-Token': other.adminToken })).status, 403);
    assert.equal((await revoke({ authorization: 'Bearer ' + token })).status, 401, "a user's token is no admin token");
    assert.equal(await profileStatus(server, token), 200, 'a refused revoke revoked');
    assert.deepEqual(await revoke({ 'X-Admin-Token': server.adminToken }), { status: 200, data: { revoked: true } });
    assert.equal(await profileStatus(server, token), 401);
  } finally {
    await Promise.all([server.close(), other.close()]);
  }
});

test('npm run demo -- --serve prints the admin token, and revoking with it works', async () => {
  const child = spawn(process.execPath, [story, '--serve', '--port', '0', '--state', stateFile()], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const printed = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no admin token printed:\n' + out)), 20000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        const admin = /admin token[^:\n]*: (\S+)/.exec(out);
        if (url && admin) { clearTimeout(timer); resolve({ url: url[1], admin: admin[1] }); }
      });
      child.on('exit', () => reject(new Error('--serve exited:\n' + out)));
    });
    assert.equal((await post(printed.url + '/admin/revoke', '')).status, 401);
    assert.equal((await post(printed.url + '/admin/revoke', '', { 'X-Admin-Token': printed.admin })).status, 200);
  } finally {
    child.kill();
  }
});

test('the state file is 0600 in a private directory, and a symlinked, foreign or open state file is refused', { skip: process.platform === 'win32' }, async () => {
  const { defaultStateFile } = require('../../miniprogram-demo/server/state');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-base-'));
  // The default: a per-user directory, created 0700, holding a 0600 file.
  const file = defaultStateFile(base);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.equal(defaultStateFile(base), file, 'not stable across restarts');
  const first = createDemoServer({ stateFile: file });
  assert.equal(fs.lstatSync(file).mode & 0o777, 0o600);
  // Writing never follows a symlink: one planted after start is replaced, its target untouched.
  const victim = path.join(base, 'victim');
  fs.writeFileSync(victim, 'precious');
  fs.rmSync(file);
  fs.symlinkSync(victim, file);
  first.revokeAll();
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  assert.ok(fs.lstatSync(file).isFile());
  assert.equal(fs.lstatSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['state.json'], 'a temp file was left behind');

  // A planted default directory (open to others, or a symlink) is refused.
  const open = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-base-'));
  fs.mkdirSync(path.join(open, path.basename(path.dirname(file))), { mode: 0o777 });
  fs.chmodSync(path.join(open, path.basename(path.dirname(file))), 0o777);
  assert.throws(() => defaultStateFile(open), /state directory .* lets other users in/);
  const linked = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-base-'));
  fs.symlinkSync(path.dirname(file), path.join(linked, path.basename(path.dirname(file))));
  assert.throws(() => defaultStateFile(linked), /state directory .* symbolic link/);

  // A state file with a secret someone else knows is refused at startup, not trusted.
  const known = JSON.stringify({ secret: 'k'.repeat(64), generation: 0 });
  const planted = path.join(base, 'planted.json');
  fs.writeFileSync(planted, known, { mode: 0o600 });
  const symlinked = path.join(base, 'symlinked.json');
  fs.symlinkSync(planted, symlinked);
  assert.throws(() => createDemoServer({ stateFile: symlinked }), /state file .*symlinked\.json.*symbolic link/);
  assert.equal(fs.readFileSync(planted, 'utf8'), known);
  const readable = path.join(base, 'readable.json');
  fs.writeFileSync(readable, known);
  fs.chmodSync(readable, 0o644);
  assert.throws(() => createDemoServer({ stateFile: readable }), /state file .* lets other users in/);
  let foreign = '/etc/passwd'; // owned by root
  if (process.getuid() === 0) {
    foreign = path.join(base, 'foreign.json');
    fs.writeFileSync(foreign, known, { mode: 0o600 });
    fs.chownSync(foreign, 65534, 65534);
  }
  assert.throws(() => createDemoServer({ stateFile: foreign }), /state file .* owned by uid \d+, not by this user/);
});

test('in --serve mode a used code stays used after a restart, and a forgotten one cannot impersonate', async () => {
  const file = stateFile();
  const clock = { at: Date.now(), now: () => clock.at };
  const start = () => demoServer({ stateFile: file, now: clock.now, standIn: new WeChatStandIn({ acceptUnknownCodes: true, now: clock.now }) });
  const login = (server, code) => post(server.url + '/login', JSON.stringify({ code }));
  const openid = async (server, token) =>
    (await fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer ' + token } }).then((r) => r.json())).openid;

  const first = (await start()).server;
  const used = await login(first, 'devtools-code-1');
  assert.equal(used.status, 200);
  const victim = await openid(first, used.data.token);
  await first.close();

  const second = (await start()).server;
  try {
    assert.deepEqual(await login(second, 'devtools-code-1'), { status: 400, data: { errcode: 40163, errmsg: 'code been used' } });
    // Past WeChat's 5-minute code lifetime the code is dropped from the file (bounded) ...
    clock.at += 6 * 60 * 1000;
    assert.equal((await login(second, 'devtools-code-2')).status, 200);
  } finally {
    await second.close();
  }
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')).usedCodes.map(([code]) => code);
  assert.deepEqual(saved, ['devtools-code-2']);
  // ... and replaying it then yields a new nobody, never the user it was first exchanged for.
  const third = (await start()).server;
  try {
    const replay = await login(third, 'devtools-code-1');
    if (replay.status === 200) assert.notEqual(await openid(third, replay.data.token), victim);
    assert.deepEqual(await login(third, 'devtools-code-2'), { status: 400, data: { errcode: 40163, errmsg: 'code been used' } });
  } finally {
    await third.close();
  }
});

test('the code2Session stand-in answers only on its own loopback port, never on the public one', async () => {
  const { server, standIn } = await demoServer();
  const query = (code) => '/sns/jscode2session?' + new URLSearchParams({ appid: standIn.appid, secret: standIn.secret, js_code: code, grant_type: 'authorization_code' });
  try {
    const code = standIn.issueCode();
    const publicAnswer = await fetch(server.url + query(code));
    assert.equal(publicAnswer.status, 404);
    assert.equal((await publicAnswer.json()).session_key, undefined);
    assert.equal((await post(server.url + '/login', JSON.stringify({ code }))).status, 200, 'the public port spent the code');
    const wechat = new URL(server.wechatUrl);
    assert.equal(wechat.hostname, '127.0.0.1');
    assert.notEqual(wechat.port, new URL(server.url).port);
    const direct = await fetch(server.wechatUrl + query(standIn.issueCode())).then((r) => r.json());
    assert.equal(typeof direct.session_key, 'string');
    assert.equal((await fetch(server.wechatUrl + '/login', { method: 'POST' })).status, 404, 'the stand-in port serves the app');
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(server.wechatUrl + query('x')), 'the stand-in outlived close()');
});

test('a client that sends headers and half a body is cut off after requestTimeoutMs, not held for 300 s', async () => {
  const { server, standIn } = await demoServer({ requestTimeoutMs: 400, headersTimeoutMs: 300 });
  try {
    const halfBody = await raw(server.url, 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100\r\n\r\n{"code": "', { limitMs: 5000 });
    assert.ok(halfBody.closed, 'the connection was still open after 5 s');
    assert.ok(halfBody.ms < 3000, `closed after ${halfBody.ms} ms`);
    assert.match(halfBody.received, /^(HTTP\/1\.1 408 |$)/);
    const halfHeaders = await raw(server.url, 'GET /api/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', { limitMs: 5000 });
    assert.ok(halfHeaders.closed && halfHeaders.ms < 3000, `headers held for ${halfHeaders.ms} ms`);
    // The limit is on receiving the request, not on answering it.
    const { token } = (await post(server.url + '/login', JSON.stringify({ code: standIn.issueCode() }))).data;
    const slow = await fetch(server.url + '/api/profile?delay=800', { headers: { authorization: 'Bearer ' + token } });
    assert.equal(slow.status, 200);
  } finally {
    await server.close();
  }
});

test('a signed token whose exp is not a number, whose iat is in the future or whose sub is not a string is refused', async () => {
  const { server } = await demoServer();
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const forge = (claims) => {
    const body = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims);
    return body + '.' + server.tokens.sign(body);
  };
  const nowS = Math.floor(Date.now() / 1000);
  const good = { sub: 'oUser', iat: nowS, exp: nowS + 3600, gen: server.tokens.state.generation };
  try {
    assert.equal(await profileStatus(server, forge(good)), 200, 'the forgery itself is wrong');
    assert.equal(await profileStatus(server, forge({ ...good, exp: null })), 200, 'no-expiry tokens are the tests\' own');
    assert.equal(await profileStatus(server, forge({ ...good, iat: nowS + 30 })), 200, 'a little clock skew is fine');
    const refused = {
      'exp as a string': { ...good, exp: String(nowS + 3600) },
      'exp as an array': { ...good, exp: [nowS + 3600] },
      'exp as true': { ...good, exp: true },
      'exp missing': { sub: good.sub, iat: good.iat, gen: good.gen },
      'iat an hour ahead': { ...good, iat: nowS + 3600 },
      'iat as a string': { ...good, iat: String(nowS) },
      'iat missing': { sub: good.sub, exp: good.exp, gen: good.gen },
      'sub as a number': { ...good, sub: 42 },
      'sub as an object': { ...good, sub: { id: 'oUser' } },
      'sub empty': { ...good, sub: '' },
      'sub missing': { iat: good.iat, exp: good.exp, gen: good.gen },
      'claims null': null,
      'claims an array': [good]
    };
    for (const [what, claims] of Object.entries(refused)) {
      assert.equal(await profileStatus(server, forge(claims)), 401, what);
    }
  } finally {
    await server.close();
  }
});
