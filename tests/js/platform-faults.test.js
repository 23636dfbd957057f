'use strict';
// Platforms misbehave: callbacks that fire twice, or never, or calls that throw. Each call still
// settles exactly once, within a bound, with a LoginError.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram } = require('../support/app');

// The package's timers (its guards) run 1000× faster; the fake wx keeps real time.
const fastTimers = { setTimeout: (fn, ms) => setTimeout(fn, Math.ceil((ms || 0) / 1000)) };

function twice(callbacks) {
  return {
    success: (result) => { callbacks.success(result); callbacks.success(result); callbacks.fail({ errMsg: 'late fail' }); },
    fail: (error) => { callbacks.fail(error); callbacks.fail(error); callbacks.success({}); }
  };
}

test('wx.login and wx.request callbacks that fire twice: one login, one request, settled once', withMiniProgram(async (mp) => {
  const { wx } = mp.app;
  const platform = Object.assign({}, wx, {
    login: (options) => wx.login(twice(options)),
    request: (options) => wx.request(Object.assign({}, options, twice(options)))
  });
  const session = mp.app.createSession({ platform });
  const errors = [];
  session.on('error', (error) => errors.push(error));
  const responses = await Promise.all([session.request({ url: '/api/a' }), session.request({ url: '/api/b' })]);
  assert.deepEqual(responses.map((r) => r.statusCode), [200, 200]);
  assert.equal(mp.app.control.loginCalls, 1);
  assert.equal(mp.server.log.loginAttempts, 1);
  assert.equal(mp.server.log.requests.length, 2);
  assert.equal(mp.backend.reusedCodes, 0);
  assert.deepEqual(errors, []);
}));

test('a wx.login that never calls back: every caller rejects LOGIN_FAILED once the guard fires', withMiniProgram(async (mp) => {
  const app = mp.launch({ globals: fastTimers });
  const platform = Object.assign({}, app.wx, { login: () => {} });
  const session = app.createSession({ platform });
  const results = await Promise.allSettled([session.start(), session.request({ url: '/api/a' })]);
  for (const result of results) {
    assert.equal(result.reason.code, 'LOGIN_FAILED');
    assert.match(result.reason.message, /no answer within 15000 ms/);
  }
}));

test('a wx.request that never calls back rejects NETWORK after its timeout and a grace period, and is aborted', withMiniProgram(async (mp) => {
  const app = mp.launch({ globals: fastTimers });
  const real = app.wx.request;
  let swallowed = 0;
  let aborted = 0;
  const platform = Object.assign({}, app.wx, {
    request: (options) => (options.url.includes('/api/') ? (swallowed++, { abort() { aborted++; } }) : real(options))
  });
  const session = app.createSession({ platform });
  await assert.rejects(session.request({ url: '/api/a', timeout: 2000 }), (error) => {
    assert.equal(error.code, 'NETWORK');
    assert.match(error.message, /no answer within 7000 ms/);
    return true;
  });
  assert.equal(swallowed, 1);
  assert.equal(aborted, 1, 'a request reported failed must not go on');
}));

test('time a request spends in wx\'s own queue (ten run at once) never counts against its guard', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  // 50 requests of 1.5 s: wx runs them in five waves, 7.5 s in all, longer than timeout + grace.
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    session.request({ url: '/api/slow?delay=1500&n=' + i, timeout: 2000 })));
  assert.deepEqual(responses.map((r) => r.statusCode), Array(50).fill(200));
  assert.equal(mp.app.control.maxInFlightSeen, 10);
}));

test('a timeout that is not a positive finite number, or is over 60 s, goes out as wx\'s 60 s default', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const timeouts = [NaN, Infinity, 2147483647, 0, -1, '5000', 60001];
  for (const timeout of timeouts) {
    const response = await session.request({ url: '/api/slow?delay=150', timeout });
    assert.equal(response.statusCode, 200, `timeout ${timeout}`);
  }
  const sent = mp.app.control.requests.filter((r) => r.url.includes('/api/slow')).map((r) => r.timeout);
  assert.deepEqual(sent, Array(timeouts.length).fill(60000));
  await session.request({ url: '/api/a', timeout: 1234 });
  assert.equal(mp.app.control.requests.at(-1).timeout, 1234, 'a valid timeout is kept');
}));

test('an answer without a statusCode is no HTTP answer: NETWORK, not a response with NaN', withMiniProgram(async (mp) => {
  const platform = Object.assign({}, mp.app.wx, {
    request: (options) => (options.url.includes('/api/') ? setTimeout(() => options.success({ data: { ok: true }, errMsg: 'request:ok' }), 0)
      : mp.app.wx.request(options))
  });
  const session = mp.app.createSession({ platform });
  await assert.rejects(session.request({ url: '/api/a' }), { code: 'NETWORK', message: /without a status code/ });
}));

test('a checkSession that never answers counts as failed: the restored token is replaced', withMiniProgram(async (mp) => {
  await mp.app.createSession().start();
  const app = mp.launch({ globals: fastTimers });
  const platform = Object.assign({}, app.wx, { checkSession: () => {} });
  const session = app.createSession({ platform });
  await session.start();
  assert.equal(app.control.loginCalls, 1);
}));

test('platform calls that throw reject with a LoginError instead of throwing', withMiniProgram(async (mp) => {
  const app = mp.app;
  const platform = Object.assign({}, app.wx, {
    request: (options) => (options.url.includes('/api/') ? null.boom : app.wx.request(options))
  });
  const session = app.createSession({ platform });
  await assert.rejects(session.request({ url: '/api/a' }), (error) => {
    assert.equal(error.code, 'NETWORK');
    assert.match(error.message, /request threw/);
    return true;
  });
  const broken = app.createSession({ platform: Object.assign({}, app.wx, { login: () => { throw new Error('no'); } }), storageKey: 'b' });
  await assert.rejects(broken.start(), { code: 'LOGIN_FAILED' });
}));

test('an exchange hook that throws, resolves to nothing, or gives NaN/Infinity/1e20 is EXCHANGE_FAILED', withMiniProgram(async (mp) => {
  const hooks = [
    [async () => { throw new TypeError('oops'); }, /oops/],
    [async () => null, /must resolve to \{token, expiresIn\}/],
    [async () => 'token', /must resolve to/],
    [async () => ({ token: 't', expiresIn: NaN }), /expires_in must be a number of seconds, got NaN/],
    [async () => ({ token: 't', expiresIn: Infinity }), /more than ten years/],
    [async () => ({ token: 't', expiresIn: 1e20 }), /more than ten years/],
    [async () => ({ token: ['t'], expiresIn: 60 }), /token must be a string, got object/],
    [() => { throw new Error('sync throw'); }, /sync throw/]
  ];
  for (const [exchange, message] of hooks) {
    const session = mp.launch().createSession({ exchange });
    await assert.rejects(session.start(), (error) => {
      assert.equal(error.code, 'EXCHANGE_FAILED');
      assert.match(error.message, message);
      return true;
    });
  }
}));

test('an exchange hook that resolves {token, expiresIn} logs in, and a NETWORK error from its request passes through', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({
    exchange: async (code, request) => {
      const res = await request({ url: '/login', method: 'POST', data: { code } });
      return { token: res.data.token, expiresIn: res.data.expires_in };
    }
  });
  assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
  const offline = mp.launch().createSession({
    storageKey: 'offline',
    exchange: (code, request) => request({ url: 'http://127.0.0.1:1/nothing', timeout: 500 })
  });
  await assert.rejects(offline.start(), { code: 'NETWORK' });
}));

test('a clock that throws or returns garbage falls back to Date.now instead of stranding callers', withMiniProgram(async (mp) => {
  for (const now of [() => { throw new Error('clock broke'); }, () => 'noon', () => NaN]) {
    const session = mp.launch().createSession({ now, storageKey: 'clock' + String(now).length });
    const response = await session.request({ url: '/api/a' });
    assert.equal(response.statusCode, 200);
    assert.ok(Math.abs(session.expiresAt - (Date.now() + 7200 * 1000)) < 60000);
  }
}));

test('a request whose header throws when read is rejected CONFIG naming the throw, not NETWORK nor a failed exchange', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const header = {};
  Object.defineProperty(header, 'X-Bad', { enumerable: true, get() { throw new Error('getter'); } });
  await assert.rejects(session.request({ url: '/api/a', header }), (error) => {
    assert.equal(error.code, 'CONFIG');
    assert.match(error.message, /reading the options threw: getter/);
    assert.doesNotMatch(error.message, /token exchange failed|without a response/);
    return true;
  });
  const options = new Proxy({ url: '/api/a' }, { ownKeys() { throw new Error('proxy trap'); } });
  await assert.rejects(session.request(options), { code: 'CONFIG', message: /proxy trap/ });
  assert.equal((await session.request({ url: '/api/b' })).statusCode, 200, 'the session still works');
}));

test('the exchange\'s request helper rejects CONFIG for options without a url instead of throwing into the hook', withMiniProgram(async (mp) => {
  for (const options of [undefined, null, { url: 42 }, { url: '' }]) {
    let returned = null;
    const session = mp.launch().createSession({
      exchange: (code, request) => {
        returned = request(options); // called synchronously: a throw would escape here
        return returned;
      }
    });
    await assert.rejects(session.start(), { code: 'EXCHANGE_FAILED', message: /`request` takes wx\.request options/ });
    assert.ok(returned && typeof returned.then === 'function', 'request() did not return a Promise');
  }
}));

test('an exchange hook that never settles fails the login with EXCHANGE_FAILED after exchangeTimeout, and nobody hangs', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({ exchange: () => new Promise(() => {}), exchangeTimeout: 200 });
  const results = await Promise.allSettled([session.start(), session.request({ url: '/api/a' }), session.ensureLogin()]);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    assert.equal(result.reason.code, 'EXCHANGE_FAILED');
    assert.match(result.reason.message, /no answer within 200 ms \(exchangeTimeout\)/);
  }
  assert.equal(session.state, 'no-token');
  assert.throws(() => mp.app.createSession({ exchangeTimeout: 0 }), { code: 'CONFIG', message: /exchangeTimeout/ });
}));

test('session.request called inside the exchange hook is refused with a message pointing at its request argument', withMiniProgram(async (mp) => {
  let session = null;
  session = mp.app.createSession({
    exchange: async (code) => {
      const res = await session.request({ url: '/login', method: 'POST', data: { code } });
      return { token: res.data.token, expiresIn: res.data.expires_in };
    }
  });
  await assert.rejects(session.start(), (error) => {
    assert.equal(error.code, 'EXCHANGE_FAILED');
    assert.match(error.message, /use the `request` argument/);
    return true;
  });
}));
