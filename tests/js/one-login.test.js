'use strict';
// Concurrent callers share ONE login, a code is exchanged exactly once, and when the login
// fails every waiting caller hears about it.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

const apiRequests = (mp) => mp.server.log.requests.filter((r) => r.path.startsWith('/api/'));

test('twenty requests with no token cause one wx.login, one exchange and twenty successes', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => session.request({ url: '/api/item/' + i })));
  assert.equal(mp.app.control.loginCalls, 1);
  assert.equal(mp.server.log.logins, 1);
  assert.deepEqual(responses.map((r) => r.statusCode), Array(20).fill(200));
  assert.equal(new Set(apiRequests(mp).map((r) => r.token)).size, 1);
  assert.equal(mp.backend.reusedCodes, 0);
}));

test('start(), ensureLogin() and requests issued together share the same login', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await Promise.all([session.start(), session.ensureLogin(), session.start(), session.request({ url: '/api/a' })]);
  await session.start();
  assert.equal(mp.app.control.loginCalls, 1);
  assert.equal(mp.server.log.logins, 1);
}));

test('when the login endpoint is down, every caller rejects and only one attempt was made', withMiniProgram(async (mp) => {
  mp.server.knobs.loginStatus = 500;
  const session = mp.app.createSession();
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => session.request({ url: '/api/a' })));
  assert.ok(results.every((r) => r.status === 'rejected' && r.reason.code === 'EXCHANGE_FAILED'));
  assert.match(results[0].reason.message, /HTTP 500/);
  assert.equal(mp.server.log.loginAttempts, 1);
  assert.equal(session.state, 'no-token');
  mp.server.knobs.loginStatus = 200;
  const response = await session.request({ url: '/api/a' });
  assert.equal(response.statusCode, 200);
  assert.equal(mp.server.log.loginAttempts, 2);
}));

test('a wx.login failure rejects every waiting caller with LOGIN_FAILED and the platform message', withMiniProgram(async (mp) => {
  mp.app.control.loginFail = '请求超时。';
  const session = mp.app.createSession();
  const errors = [];
  session.on('error', (error) => errors.push(error.code));
  const results = await Promise.allSettled([session.start(), session.request({ url: '/api/a' })]);
  for (const result of results) {
    assert.equal(result.reason.code, 'LOGIN_FAILED');
    assert.match(result.reason.message, /login:fail 请求超时。/);
  }
  assert.deepEqual(errors, ['LOGIN_FAILED']);
  assert.equal(mp.server.log.loginAttempts, 0);
}));

test('wx.login succeeding with an empty code is a LOGIN_FAILED, and nothing is exchanged', withMiniProgram(async (mp) => {
  mp.app.control.emptyCode = true;
  const session = mp.app.createSession();
  await assert.rejects(session.start(), { code: 'LOGIN_FAILED' });
  assert.equal(mp.server.log.loginAttempts, 0);
}));

test('the login request carries the code and never a token', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  mp.server.revokeAll();
  await session.request({ url: '/api/a' });
  const logins = mp.app.control.requests.filter((r) => r.url.endsWith('/login'));
  assert.equal(logins.length, 2);
  for (const login of logins) {
    assert.deepEqual(Object.keys(login.header).map((k) => k.toLowerCase()), ['content-type']);
  }
}));

test('a login response carrying session_key warns, and session_key is neither stored nor exposed', withMiniProgram(async (mp) => {
  mp.server.knobs.sendSessionKey = true;
  const session = mp.app.createSession();
  const warnings = [];
  session.on('warning', (message) => warnings.push(message));
  await session.start();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /session_key/);
  const stored = JSON.parse(mp.storage.get('mp-login:session'));
  assert.deepEqual(Object.keys(stored).sort(), ['createTime', 'expires_in', 'token']);
}));

test('a token that cannot travel in a header is refused at the exchange and at restore', withMiniProgram(async (mp) => {
  const unsendable = ['line\r\nX-Injected: 1', 'nul\u0000byte', '中文令牌', 'emoji-😀', 'x'.repeat(8193), 'undefined', 'null'];
  for (const token of unsendable) {
    mp.server.knobs.loginBody = () => ({ token, expires_in: 7200 });
    const session = mp.launch().createSession();
    await assert.rejects(session.start(), (error) => {
      assert.equal(error.code, 'EXCHANGE_FAILED', JSON.stringify(token.slice(0, 20)));
      assert.match(error.message, /cannot travel in a header/);
      return true;
    });
    assert.equal(mp.storage.has('mp-login:session'), false);
  }
  mp.server.knobs.loginBody = null;
  for (const token of unsendable) {
    mp.storage.set('mp-login:session', JSON.stringify({ token, createTime: Date.now() / 1000, expires_in: 7200 }));
    const app = mp.launch();
    const session = app.createSession({ checkSession: false });
    await session.start();
    assert.notEqual(session.token, token, 'an unsendable stored token was restored');
    assert.equal(app.control.loginCalls, 1);
  }
}));

test('a failed login answer is described by its status and error code, never the server\'s words', withMiniProgram(async (mp) => {
  mp.server.knobs.loginBody = () => ({ errcode: 40029, errmsg: 'invalid code, session_key=Zm9vYmFyYmF6' });
  const platform = Object.assign({}, mp.app.wx, {
    request: (options) => mp.app.wx.request(Object.assign({}, options, {
      success: (res) => options.success(Object.assign({}, res, /\/login$/.test(options.url) ? { statusCode: 400 } : {}))
    }))
  });
  const error = await mp.app.createSession({ platform }).start().catch((e) => e);
  assert.equal(error.code, 'EXCHANGE_FAILED');
  assert.equal(error.message, 'token exchange failed: the login endpoint answered HTTP 400 errcode 40029');
}));

test('malformed login answers are EXCHANGE_FAILED with a message naming the problem', withMiniProgram(async (mp) => {
  const bodies = [
    [{ token: 12345, expires_in: 7200 }, /token must be a string, got number/],
    [{ token: null, expires_in: 7200 }, /token must be a string, got missing/],
    [{ token: { value: 'x' }, expires_in: 7200 }, /token must be a string, got object/],
    [{ token: '', expires_in: 7200 }, /empty string/],
    [{ token: 'ok', expires_in: -5 }, /expires_in/],
    [{ token: 'ok', expires_in: 0 }, /expires_in/],
    [{ token: 'ok', expires_in: '7200' }, /expires_in must be a number of seconds, got string/],
    [{ token: 'ok', expires_in: 1e20 }, /expires_in/],
    ['not json at all', /string body instead of a JSON object/]
  ];
  for (const [body, message] of bodies) {
    mp.server.knobs.loginBody = () => body;
    const session = mp.launch().createSession();
    await assert.rejects(session.start(), (error) => {
      assert.equal(error.code, 'EXCHANGE_FAILED', JSON.stringify(body));
      assert.match(error.message, message);
      return true;
    });
    assert.equal(session.token, null);
  }
}));

test('failed logins back off: an error listener that calls ensureLogin cannot spin wx.login', withMiniProgram(async (mp) => {
  mp.app.control.loginFail = 'system error';
  const session = mp.app.createSession();
  const refusals = [];
  session.on('error', () => { session.ensureLogin().catch((error) => refusals.push(error)); });
  await session.start().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.ok(mp.app.control.loginCalls <= 3, `${mp.app.control.loginCalls} wx.login calls in 2 s`);
  const refused = refusals.find((error) => /logins failed in a row/.test(error.message));
  assert.ok(refused, 'no caller was told about the backoff');
  assert.equal(refused.code, 'LOGIN_FAILED');
  assert.match(refused.message, /wx\.login failed: login:fail system error \(2 logins failed in a row; the next may start in 1 s\)/);
  mp.app.control.loginFail = null;
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await session.ensureLogin();
  assert.equal(session.state, 'authenticated', 'no login once the backoff passed');
}));

test('a caller an error listener adds waits for the next login, not the failure that fired the listener', withMiniProgram(async (mp) => {
  mp.app.control.loginFail = 'system error';
  const session = mp.app.createSession();
  let retried = null;
  session.on('error', () => {
    if (retried) return;
    mp.app.control.loginFail = null; // the next wx.login works
    retried = session.ensureLogin();
  });
  await assert.rejects(session.start(), { code: 'LOGIN_FAILED' });
  await retried;
  assert.equal(session.state, 'authenticated');
  assert.equal(mp.app.control.loginCalls, 2);
}));
