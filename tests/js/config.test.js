'use strict';
// Bad configuration fails at createSession with a CONFIG error naming the field.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

test('each bad option is a CONFIG error that names it', withMiniProgram(async (mp) => {
  const { createSession, LoginError } = mp.app.mpLogin;
  const base = { baseUrl: mp.server.url };
  const cases = [
    [undefined, /options/],
    [{}, /baseUrl/],
    [{ baseUrl: 'api.example.com' }, /baseUrl.*absolute/],
    [{ baseUrl: 'ftp://example.com' }, /baseUrl/],
    [{ ...base, colour: 'red' }, /unknown option `colour`/],
    [{ ...base, allowedOrigins: 'https://a.com' }, /allowedOrigins/],
    [{ ...base, allowedOrigins: ['nope'] }, /allowedOrigins\[0\]/],
    [{ ...base, login: { url: '/login', tokenpath: 'x' } }, /login\.tokenpath/],
    [{ ...base, login: { method: 'FETCH' } }, /login\.method/],
    [{ ...base, login: {}, exchange: async () => ({}) }, /not both/],
    [{ ...base, exchange: 'yes' }, /exchange/],
    [{ ...base, tokenHeader: '' }, /tokenHeader/],
    [{ ...base, tokenScheme: null }, /tokenScheme/],
    [{ ...base, tokenQuery: 5 }, /tokenQuery/],
    [{ ...base, storageKey: '' }, /storageKey/],
    [{ ...base, leewaySeconds: -1 }, /leewaySeconds/],
    [{ ...base, leewaySeconds: '60' }, /leewaySeconds/],
    [{ ...base, checkSession: 'yes' }, /checkSession/],
    [{ ...base, verify: '/verify' }, /verify/],
    [{ ...base, verify: { url: '/v', body: 1 } }, /verify\.body/],
    [{ ...base, unauthorized: 401 }, /unauthorized/],
    [{ ...base, unauthorized: [401, 'x'] }, /unauthorized/],
    [{ ...base, isUnauthorized: true }, /isUnauthorized/],
    [{ ...base, maxRelogins: 1.5 }, /maxRelogins/],
    [{ ...base, maxRelogins: 100 }, /maxRelogins/],
    [{ ...base, platform: {} }, /platform\.login/],
    [{ ...base, now: 123 }, /now/],
    [{ ...base, platform: 'wx' }, /platform/],
    [{ ...base, login: null }, /`login` must be an object/],
    [{ ...base, login: { url: 5 } }, /login\.url/],
    [{ ...base, login: { codeField: '' } }, /login\.codeField/],
    [{ ...base, login: { expiresInPath: 5 } }, /login\.expiresInPath/],
    [{ ...base, tokenScheme: 5 }, /tokenScheme/],
    [{ ...base, storageKey: 5 }, /storageKey/],
    [{ ...base, unauthorized: [99] }, /unauthorized/],
    [{ ...base, verify: { url: 5 } }, /verify\.url/],
    [{ ...base, verify: { url: '/v', method: 'EAT' } }, /verify\.method/],
    [{ ...base, wasmPath: 5 }, /wasmPath/],
    [{ ...base, allowedOrigins: [5] }, /allowedOrigins\[0\]/],
    [{ ...base, checkSession: 1 }, /checkSession/],
    [{ ...base, maxRelogins: -1 }, /maxRelogins/],
    ['https://api.example.com', /options/]
  ];
  for (const [options, message] of cases) {
    assert.throws(() => createSession(options), (error) => {
      assert.ok(error instanceof LoginError, 'not a LoginError for ' + message);
      assert.equal(error.code, 'CONFIG');
      assert.match(error.message, message);
      return true;
    });
  }
}));

test('session.on refuses unknown events and non-functions; its unsubscribe works', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  assert.throws(() => session.on('states', () => {}), { code: 'CONFIG' });
  assert.throws(() => session.on('state', 'x'), { code: 'CONFIG' });
  const seen = [];
  const off = session.on('login', () => seen.push('login'));
  await session.start();
  off();
  await session.logout();
  await session.start();
  assert.deepEqual(seen, ['login']);
}));

test('a request without a url, or with wx-style callbacks, rejects with CONFIG', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await assert.rejects(session.request({}), { code: 'CONFIG' });
  await assert.rejects(session.request(null), { code: 'CONFIG' });
  await assert.rejects(session.request({ url: '/api/a', success() {} }), /returns a Promise/);
}));

test('a listener that throws does not stop the session', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  const original = console.error;
  console.error = () => {};
  try {
    session.on('state', () => { throw new Error('listener bug'); });
    const response = await session.request({ url: '/api/a' });
    assert.equal(response.statusCode, 200);
  } finally {
    console.error = original;
  }
}));

test('a listener that throws while console.error (an error reporter) throws too never reaches the caller', withMiniProgram(async (mp) => {
  const reporter = { error() { throw new Error('reporter down'); }, warn() {}, log() {} };
  const app = mp.launch({ globals: { console: reporter } });
  const session = app.createSession();
  for (const event of ['state', 'login', 'logout', 'expired', 'error', 'warning']) {
    session.on(event, () => { throw new Error(event + ' listener bug'); });
  }
  assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
  mp.server.knobs.loginStatus = 500;
  mp.server.revokeAll();
  await assert.rejects(session.request({ url: '/api/a' }), { code: 'EXCHANGE_FAILED' });
  const loggedOut = session.logout();
  assert.equal(typeof loggedOut.then, 'function');
  await loggedOut;
  assert.equal(session.state, 'no-token');
}));

test('configuration that would misroute or garble the token is a CONFIG error that says how to fix it', withMiniProgram(async (mp) => {
  const { createSession } = mp.app.mpLogin;
  const base = { baseUrl: mp.server.url };
  const cases = [
    [{ baseUrl: 'https://api.example.com/v1?x=1' }, /baseUrl.*without a query or fragment/],
    [{ baseUrl: 'https://api.example.com/#top' }, /baseUrl.*without a query or fragment/],
    [{ baseUrl: 'https://api.example.com/ ' }, /baseUrl.*without spaces or backslashes/],
    [{ baseUrl: 'https://api.example.com\\@evil.com/' }, /baseUrl/],
    [{ ...base, allowedOrigins: ['https://cdn.example.com/images'] }, /allowedOrigins\[0\].*no path/],
    [{ ...base, allowedOrigins: ['https://*.example.com'] }, /allowedOrigins\[0\]/],
    [{ ...base, tokenHeader: 'X-Token\r\nX-Evil: 1' }, /tokenHeader.*HTTP token/],
    [{ ...base, tokenHeader: 'X-Token:' }, /tokenHeader/],
    [{ ...base, tokenHeader: 'X Token' }, /tokenHeader/],
    [{ ...base, tokenScheme: 'Bearer ' }, /tokenScheme.*no spaces/],
    [{ ...base, tokenScheme: 'Be\narer' }, /tokenScheme/],
    [{ ...base, tokenQuery: 'token', tokenHeader: 'token' }, /tokenQuery.*not both/],
    [{ ...base, unauthorized: [] }, /unauthorized.*non-empty/],
    [{ ...base, unauthorized: [200] }, /unauthorized.*4xx\/5xx/],
    [{ ...base, login: { tokenPath: '__proto__' } }, /login\.tokenPath.*__proto__/],
    [{ ...base, login: { tokenPath: 'data..token' } }, /login\.tokenPath/],
    [{ ...base, login: { codeField: 'constructor' } }, /login\.codeField/],
    [{ ...base, now: () => Math.floor(Date.now() / 1000) }, /now.*milliseconds.*not seconds/]
  ];
  for (const [options, message] of cases) {
    assert.throws(() => createSession(options), (error) => {
      assert.equal(error.code, 'CONFIG', JSON.stringify(options));
      assert.match(error.message, message);
      return true;
    });
  }
  // Still fine: an origin with a trailing slash, an explicit default port, a bare token.
  createSession({ ...base, allowedOrigins: ['https://cdn.example.com/', 'https://cdn.example.com:443'], tokenScheme: '' });
}));

test('auth must be true or false: auth: "false" or 0 is CONFIG, not a silently authenticated request', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  for (const auth of ['false', 0, null, 'no']) {
    await assert.rejects(session.request({ url: '/api/a', auth }), { code: 'CONFIG', message: /`auth` must be true or false/ });
  }
  assert.equal(mp.server.log.requests.length, 0);
  assert.equal((await session.request({ url: '/api/a', auth: true })).statusCode, 200);
}));

test('isUnauthorized counts only a returned true: anything else (1, "yes", a throw) means authorized', withMiniProgram(async (mp) => {
  for (const answer of [1, 'yes', {}, () => { throw new Error('bug'); }]) {
    const isUnauthorized = typeof answer === 'function' ? answer : () => answer;
    const session = mp.launch().createSession({ isUnauthorized });
    assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
  }
  assert.equal(mp.server.log.logins, 1, 'a non-boolean answer caused a re-login (the launches share storage)');
}));

test('a login answer whose prototype carries the token is not a token', withMiniProgram(async (mp) => {
  mp.server.knobs.loginBody = () => JSON.parse('{"__proto__": {"token": "inherited"}, "expires_in": 7200}');
  await assert.rejects(mp.app.createSession().start(), { code: 'EXCHANGE_FAILED', message: /token must be a string, got missing/ });
}));
