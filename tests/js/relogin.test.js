'use strict';
// A 401 for the current token costs one re-login and one resend; a 401 for an older token
// costs nothing; a request that stays unauthorized ends, it never loops.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

test('twenty requests that all 401 cause one re-login and twenty successes', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const first = session.token;
  mp.server.revokeAll();
  const states = [];
  session.on('state', (state, previous) => states.push(previous + '>' + state));
  const responses = await Promise.all(Array.from({ length: 20 }, () => session.request({ url: '/api/a' })));
  assert.deepEqual(responses.map((r) => r.statusCode), Array(20).fill(200));
  assert.equal(mp.server.log.logins, 2);
  assert.notEqual(session.token, first);
  assert.deepEqual(states, ['authenticated>expired', 'expired>logging-in', 'logging-in>authenticated']);
  assert.equal(mp.backend.reusedCodes, 0);
}));

test('a slow request that 401s with the OLD token is resent with the new one and never wipes it', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const oldToken = session.token;
  const slow = session.request({ url: '/api/slow?delay=300' });       // judged when it answers
  await new Promise((resolve) => setTimeout(resolve, 50));
  mp.server.revokeAll();
  await session.request({ url: '/api/quick' });                        // 401 -> re-login
  const newToken = session.token;
  assert.notEqual(newToken, oldToken);
  const response = await slow;
  assert.equal(response.statusCode, 200);
  assert.equal(response.data.token, newToken);
  assert.equal(session.token, newToken);
  assert.equal(mp.server.log.logins, 2, 'the stale 401 must not cause a second re-login');
}));

test('an endpoint that always 401s ends with UNAUTHORIZED after one re-login', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  await assert.rejects(session.request({ url: '/api/always401' }), (error) => {
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.ok(!error.message.includes(session.token), 'the token leaked into the message');
    return true;
  });
  assert.equal(mp.server.log.logins, 2);
  assert.equal(mp.server.log.requests.filter((r) => r.path === '/api/always401').length, 2);
}));

test('maxRelogins: 0 turns a 401 into UNAUTHORIZED at once, and 2 allows two re-logins', withMiniProgram(async (mp) => {
  const none = mp.app.createSession({ maxRelogins: 0 });
  await none.start();
  await assert.rejects(none.request({ url: '/api/always401' }), { code: 'UNAUTHORIZED' });
  assert.equal(mp.server.log.logins, 1);
  const two = mp.launch().createSession({ maxRelogins: 2, storageKey: 'other' });
  await two.start();
  await assert.rejects(two.request({ url: '/api/always401' }), { code: 'UNAUTHORIZED' });
  assert.equal(mp.server.log.logins, 4);
}));

test('with maxRelogins: 0 a revoked token is still dropped: the next ensureLogin logs in and a restart does not restore it', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({ maxRelogins: 0, checkSession: false });
  await session.start();
  const revoked = session.token;
  mp.server.revokeAll();
  await assert.rejects(session.request({ url: '/api/a' }), { code: 'UNAUTHORIZED' });
  assert.equal(session.state, 'expired');
  assert.equal(mp.storage.has('mp-login:session'), false, 'the revoked token survives a restart');
  await session.ensureLogin();
  assert.equal(mp.server.log.logins, 2, 'ensureLogin resolved without logging in');
  assert.notEqual(session.token, revoked);
  assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
}));

test('isUnauthorized recognises a 200 with an error code in the body', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({
    isUnauthorized: (res) => res.data && res.data.errCode === 40001
  });
  await session.start();
  mp.server.revokeAll();
  const response = await session.request({ url: '/verify' });
  assert.equal(response.data.errCode, 0);
  assert.equal(mp.server.log.logins, 2);
}));

test('other non-2xx statuses resolve as wx.request does and never cause a login', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  for (const status of [400, 403, 404, 500, 503]) {
    const response = await session.request({ url: '/api/status/' + status });
    assert.equal(response.statusCode, status);
  }
  assert.equal(mp.server.log.logins, 1);
}));

test('a transport failure rejects with NETWORK and never causes a login', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  await assert.rejects(session.request({ url: '/api/slow?delay=1000', timeout: 50 }), (error) => {
    assert.equal(error.code, 'NETWORK');
    assert.equal(error.message, 'request failed without a response: request:fail timeout', 'the prefix once, then wx\'s errMsg');
    return true;
  });
  assert.equal(mp.server.log.logins, 1);
  assert.equal(session.state, 'authenticated');
}));

test('a statusCode sent as a string (old Android) is still recognised as 401', withMiniProgram(async (mp) => {
  mp.app.control.statusAsString = true;
  const session = mp.app.createSession();
  await session.start();
  mp.server.revokeAll();
  const response = await session.request({ url: '/api/a' });
  assert.equal(response.statusCode, 200);
  assert.equal(mp.server.log.logins, 2);
}));

test('a path that refuses even a token minted for it gets one warning naming it, not one per request', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  const warnings = [];
  session.on('warning', (message) => warnings.push(message));
  for (let i = 0; i < 3; i++) {
    await assert.rejects(session.request({ url: '/api/always401?poll=' + i }), { code: 'UNAUTHORIZED' });
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /\/api\/always401 refused a token minted for it/);
  await assert.rejects(session.request({ url: '/api/always401' }), { code: 'UNAUTHORIZED' });
  assert.equal(warnings.length, 1);
}));
