'use strict';
// wx.checkSession only says whether WeChat's session_key lives; it never vouches for our token.
// `verify` asks the server about a restored token instead.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

async function restoredLaunch(mp, options = {}) {
  const first = mp.app.createSession(options);
  await first.start();
  const app = mp.launch();
  return { app, token: first.token };
}

test('a failed checkSession means the session_key is gone: log in again', withMiniProgram(async (mp) => {
  const { app, token } = await restoredLaunch(mp);
  app.control.sessionAlive = false;
  const session = app.createSession();
  await session.start();
  assert.equal(app.control.loginCalls, 1);
  assert.notEqual(session.token, token);
}));

test('a passed checkSession does not prove the token: a 401 still re-logs in', withMiniProgram(async (mp) => {
  const { app } = await restoredLaunch(mp);
  mp.server.revokeAll();
  const session = app.createSession();
  await session.start();
  assert.equal(app.control.loginCalls, 0);
  const response = await session.request({ url: '/api/a' });
  assert.equal(response.statusCode, 200);
  assert.equal(app.control.loginCalls, 1);
}));

test('checkSession: false skips the check', withMiniProgram(async (mp) => {
  const { app } = await restoredLaunch(mp);
  await app.createSession({ checkSession: false }).start();
  assert.equal(app.control.checkSessionCalls, 0);
}));

const verifyOptions = {
  checkSession: false,
  verify: { url: '/verify' },
  isUnauthorized: (res) => !!res.data && res.data.errCode === 40001
};

test('verify rejecting a restored token (200 with errCode) leads to a new login before any request', withMiniProgram(async (mp) => {
  const { app } = await restoredLaunch(mp, verifyOptions);
  mp.server.revokeAll();
  const session = app.createSession(verifyOptions);
  await session.request({ url: '/api/a' });
  assert.equal(app.control.loginCalls, 1);
  const apiTokens = mp.server.log.requests.filter((r) => r.path === '/api/a').map((r) => r.token);
  assert.deepEqual(apiTokens, [session.token]);
}));

test('verify accepting a restored token keeps it', withMiniProgram(async (mp) => {
  const { app, token } = await restoredLaunch(mp, verifyOptions);
  const session = app.createSession(verifyOptions);
  await session.start();
  assert.equal(session.token, token);
  assert.equal(app.control.loginCalls, 0);
  assert.equal(mp.server.log.requests.filter((r) => r.path === '/verify').length, 1);
}));

test('a verify url on another origin is refused at createSession, so the token never goes there', withMiniProgram(async (mp) => {
  const foreign = 'https://verify.example.org/check';
  assert.throws(() => mp.app.createSession({ verify: { url: foreign } }), (error) => {
    assert.equal(error.code, 'CONFIG');
    assert.match(error.message, /verify\.url/);
    return true;
  });
  const allowed = mp.app.createSession({ verify: { url: foreign }, allowedOrigins: ['https://verify.example.org'] });
  assert.equal(allowed.state, 'no-token', 'allowed once its origin is trusted');
}));
