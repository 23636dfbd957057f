'use strict';
// Local expiry: a token is replaced before (createTime + expires_in - leeway), so the server
// never sees an expired one; a clock that runs backwards does not keep a token fresh forever.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

function manualClock(start = Date.now()) {
  const clock = { at: start, now: () => clock.at, advance: (seconds) => { clock.at += seconds * 1000; } };
  return clock;
}

const clock = manualClock();

test('a token is replaced at expires_in minus leeway, before the request is sent', withMiniProgram(async (mp) => {
  clock.at = Date.now();
  const session = mp.app.createSession({ now: clock.now, leewaySeconds: 60 });
  await session.start();
  const first = session.token;
  assert.equal(session.expiresAt, clock.at + 7200 * 1000);
  clock.advance(7200 - 61);
  await session.request({ url: '/api/a' });
  assert.equal(session.token, first, 'replaced too early');
  clock.advance(1);
  const expired = [];
  session.on('expired', () => expired.push(clock.at));
  const response = await session.request({ url: '/api/b' });
  assert.equal(response.statusCode, 200);
  assert.notEqual(session.token, first);
  assert.equal(expired.length, 1);
  const sentB = mp.server.log.requests.filter((r) => r.path === '/api/b');
  assert.deepEqual(sentB.map((r) => r.token), [session.token], 'the server saw the old token');
  assert.equal(mp.server.log.logins, 2);
}, { now: () => clock.now() }));

test('session.state reports expired once the time has passed, without logging in', withMiniProgram(async (mp) => {
  clock.at = Date.now();
  const session = mp.app.createSession({ now: clock.now });
  await session.start();
  clock.advance(7200);
  assert.equal(session.state, 'expired');
  assert.equal(mp.server.log.logins, 1);
}, { now: () => clock.now() }));

test('a clock moved back before createTime makes the session log in again (re-check, not trust)', withMiniProgram(async (mp) => {
  clock.at = Date.now();
  const session = mp.app.createSession({ now: clock.now });
  await session.start();
  clock.advance(-3600);
  await session.request({ url: '/api/a' });
  assert.equal(mp.server.log.logins, 2);
  await session.request({ url: '/api/b' });
  assert.equal(mp.server.log.logins, 2, 'the new token is anchored to the new clock');
}, { now: () => clock.now() }));

test('without expires_in there is no local expiry; the server\'s 401 decides', withMiniProgram(async (mp) => {
  clock.at = Date.now();
  mp.server.knobs.expiresIn = undefined;
  const session = mp.app.createSession({ now: clock.now });
  await session.start();
  assert.equal(session.expiresAt, null);
  clock.advance(365 * 24 * 3600);
  await session.request({ url: '/api/a' });
  assert.equal(mp.server.log.logins, 1);
  mp.server.revokeAll();
  await session.request({ url: '/api/b' });
  assert.equal(mp.server.log.logins, 2);
}, { now: () => clock.now() }));

test('reading state, token and expiresAt changes nothing and tells no one, even from a listener', withMiniProgram(async (mp) => {
  clock.at = Date.now();
  const session = mp.app.createSession({ now: clock.now });
  const heard = [];
  let reading = 0;
  for (const event of ['state', 'login', 'logout', 'expired', 'error', 'warning']) {
    session.on(event, (...args) => heard.push({ event, args, insideAGetter: reading > 0 }));
  }
  // The demo's state listener reads the getters; none of that may feed the machine.
  session.on('state', () => {
    reading++;
    void [session.state, session.token, session.expiresAt];
    reading--;
  });
  await session.start();
  clock.advance(7200);
  const before = heard.length;
  assert.deepEqual([session.state, session.state], ['expired', 'expired']);
  assert.notEqual(session.token, null);
  assert.equal(typeof session.expiresAt, 'number');
  assert.equal(heard.length, before, 'a getter fired events');
  await session.request({ url: '/api/a' });
  assert.ok(heard.slice(before).some((h) => h.event === 'expired'), 'the request, not a getter, noticed the expiry');
  assert.deepEqual(heard.filter((h) => h.insideAGetter), []);
}, { now: () => clock.now() }));
