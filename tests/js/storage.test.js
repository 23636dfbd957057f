'use strict';
// One storage key holds {token, createTime, expires_in}; whatever else is there counts as no
// token; a storage that throws costs an 'error' event, never the session.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

const KEY = 'mp-login:session';

test('a cold start reuses the stored token: no wx.login, one checkSession', withMiniProgram(async (mp) => {
  const first = mp.app.createSession();
  await first.start();
  const token = first.token;
  const app = mp.launch();
  const second = app.createSession();
  await Promise.all([second.start(), second.start()]);
  await second.start();
  const response = await second.request({ url: '/api/a' });
  assert.equal(response.data.token, token);
  assert.equal(app.control.loginCalls, 0);
  assert.equal(app.control.checkSessionCalls, 1);
}));

test('garbage, wrong types, "" and half-written records restore as no token and are overwritten', withMiniProgram(async (mp) => {
  const garbage = ['', 'a string', 42, null, [], { token: 'x' }, { token: 'x', createTime: 'yesterday', expires_in: 7200 },
    { token: 7, createTime: 1, expires_in: 7200 }, { token: '', createTime: Date.now() / 1000, expires_in: 7200 },
    { token: 'x', createTime: Date.now() / 1000, expires_in: -1 }, 'x'.repeat(1024 * 1024 - 10)];
  for (const value of garbage) {
    mp.storage.set(KEY, JSON.stringify(value));
    const app = mp.launch();
    const session = app.createSession();
    await session.start();
    assert.equal(app.control.loginCalls, 1, 'trusted ' + JSON.stringify(value).slice(0, 60));
    const stored = JSON.parse(mp.storage.get(KEY));
    assert.equal(stored.token, session.token);
    assert.equal(typeof stored.createTime, 'number');
  }
}));

test('a throwing setStorageSync is a STORAGE error event; the session keeps working in memory', withMiniProgram(async (mp) => {
  mp.app.control.storageThrows = true;
  const session = mp.app.createSession();
  const errors = [];
  session.on('error', (error) => errors.push(error));
  const response = await session.request({ url: '/api/a' });
  assert.equal(response.statusCode, 200);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'STORAGE');
  assert.match(errors[0].message, /setStorageSync:fail/);
  assert.equal(mp.storage.has(KEY), false);
  assert.equal(session.state, 'authenticated');
}));

test('logout clears memory and storage and announces it; the next request logs in again', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const events = [];
  session.on('logout', () => events.push('logout'));
  session.on('state', (state) => events.push(state));
  const done = session.logout();
  assert.equal(typeof done.then, 'function', 'logout must return a Promise');
  await done;
  assert.equal(session.state, 'no-token');
  assert.equal(session.token, null);
  assert.equal(mp.storage.has(KEY), false);
  assert.deepEqual(events, ['no-token', 'logout']);
  await session.request({ url: '/api/a' });
  assert.equal(mp.server.log.logins, 2);
}));

test('logout while a login is running rejects the waiting requests with LOGGED_OUT', withMiniProgram(async (mp) => {
  mp.server.knobs.loginDelayMs = 200;
  const session = mp.app.createSession();
  const waiting = session.request({ url: '/api/a' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await session.logout();
  await assert.rejects(waiting, { code: 'LOGGED_OUT' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(session.state, 'no-token', 'the late login answer was applied after logout');
  assert.equal(mp.storage.has(KEY), false);
}));

test('a token the server refused is not restored after a restart, even when the re-login failed', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  mp.server.revokeAll();
  mp.server.knobs.loginStatus = 500;
  await assert.rejects(session.request({ url: '/api/a' }), { code: 'EXCHANGE_FAILED' });
  assert.equal(mp.storage.has(KEY), false, 'the refused token is still stored');
  mp.server.knobs.loginStatus = 200;
  const app = mp.launch();
  const response = await app.createSession().request({ url: '/api/b' });
  assert.equal(response.statusCode, 200);
  assert.equal(mp.server.log.requests.filter((r) => r.path === '/api/b').length, 1, 'sent the refused token first');
}));

for (const [event, when] of [['login', () => true], ['state', (state) => state === 'authenticated']]) test(`a logout from inside a ${event} listener: the requests that login released never go out with the logged-out token`, withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  session.on(event, (state) => { if (when(state)) session.logout(); });
  const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => session.request({ url: '/api/a?n=' + i })));
  assert.deepEqual(results.map((r) => r.reason && r.reason.code), Array(5).fill('LOGGED_OUT'));
  assert.equal(mp.server.log.requests.filter((r) => r.path === '/api/a').length, 0, 'a request went out after the logout');
  assert.equal(session.state, 'no-token');
  assert.equal(mp.storage.has('mp-login:session'), false);
}));

test('a logout whose removeStorageSync throws overwrites the record, so the next launch restores nothing', withMiniProgram(async (mp) => {
  const platform = Object.assign({}, mp.app.wx, { removeStorageSync() { throw new Error('removeStorageSync:fail io'); } });
  const session = mp.app.createSession({ platform });
  await session.start();
  await session.logout();
  const restarted = mp.launch().createSession({ checkSession: false });
  await restarted.start();
  assert.equal(mp.server.log.logins, 2, 'the logged-out token was restored');
}));

test('a logout that can neither remove nor overwrite the stored token rejects STORAGE', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  mp.app.wx.removeStorageSync = () => { throw new Error('removeStorageSync:fail io'); };
  mp.app.control.storageThrows = true;
  await assert.rejects(session.logout(), { code: 'STORAGE', message: /could not clear the stored token/ });
  assert.equal(session.state, 'no-token', 'the session itself is logged out');
}));

test('a second session on the same storageKey is warned about, and takes the first one\'s new token instead of logging in again', withMiniProgram(async (mp) => {
  const pageA = mp.app.createSession({ checkSession: false });
  await pageA.start();
  const pageB = mp.app.createSession({ checkSession: false });
  const warnings = [];
  pageB.on('warning', (message) => warnings.push(message));
  await pageB.start();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /another session already uses storageKey "mp-login:session"/);
  mp.server.revokeAll();
  for (let i = 0; i < 10; i++) {
    assert.equal((await pageA.request({ url: '/api/a?n=' + i })).statusCode, 200);
    assert.equal((await pageB.request({ url: '/api/b?n=' + i })).statusCode, 200);
  }
  assert.equal(mp.server.log.logins, 2, 'each session logged in on its own after the revocation');
  assert.equal(pageB.token, pageA.token);
  const other = mp.app.createSession({ storageKey: 'elsewhere' });
  const otherWarnings = [];
  other.on('warning', (message) => otherWarnings.push(message));
  await Promise.resolve();
  assert.deepEqual(otherWarnings, []);
}));
