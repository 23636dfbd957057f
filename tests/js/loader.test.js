'use strict';
// The package loads where a phone would load it: in the sandbox, through WXWebAssembly, with no
// WebAssembly/TextEncoder/TextDecoder globals; tokens of any text are kept intact.
const test = require('node:test');
const assert = require('node:assert/strict');
const { miniProgram } = require('../support/app');
const { createSandbox, miniprogramRoot, wxWebAssembly } = require('../../simulator/sandbox');
const { createFakeWx } = require('../../simulator/fake-wx');
const { WeChatStandIn } = require('../../miniprogram-demo/server/wechat');

test('the package loads in a sandbox without WebAssembly, TextEncoder or TextDecoder, from the .wasm.br', async () => {
  const mp = await miniProgram();
  try {
    const { sandbox, createSession } = mp.app;
    assert.equal(sandbox.run('typeof WebAssembly + typeof TextEncoder + typeof TextDecoder'), 'undefinedundefinedundefined');
    const session = createSession();
    await session.start();
    assert.equal(session.state, 'authenticated');
    assert.deepEqual(sandbox.wasm.loaded, ['/miniprogram_npm/mp-login/mp_login.wasm.br']);
  } finally {
    await mp.close();
  }
});

test('Latin-1 tokens up to 8192 characters are stored and sent intact', async () => {
  const mp = await miniProgram();
  try {
    for (const token of ['café-ü·ÿ', 'a'.repeat(8192), 'Bearer-ish token with spaces']) {
      mp.server.knobs.loginBody = () => ({ token, expires_in: 7200 });
      const session = mp.launch().createSession({ storageKey: 'k' + token.length });
      await session.start();
      assert.equal(session.token, token);
      assert.equal(JSON.parse(mp.storage.get('k' + token.length)).token, token);
    }
  } finally {
    await mp.close();
  }
});

test('calls made before the wasm is ready wait for it instead of failing', async () => {
  const mp = await miniProgram();
  try {
    const session = mp.app.createSession();
    assert.equal(session.state, 'no-token');
    assert.equal(session.token, null);
    const [response] = await Promise.all([session.request({ url: '/api/me' }), session.start()]);
    assert.equal(response.statusCode, 200);
  } finally {
    await mp.close();
  }
});

test('a WXWebAssembly that resolves the bare instance works as well as {instance, module}', async () => {
  const mp = await miniProgram();
  try {
    const root = mp.app.sandbox.root;
    const app = mp.launch({ WXWebAssembly: wxWebAssembly(root, { bareInstance: true }) });
    const session = app.createSession();
    await session.start();
    assert.equal(session.state, 'authenticated');
  } finally {
    await mp.close();
  }
});

test('below base library 2.14 (no .br support) every call rejects UNSUPPORTED naming 2.14.0, and nothing is sent', async () => {
  const mp = await miniProgram();
  try {
    const wasm = wxWebAssembly(mp.app.sandbox.root, { brotli: false });
    const app = mp.launch({ WXWebAssembly: wasm });
    const session = app.createSession();
    for (const call of [() => session.start(), () => session.request({ url: '/api/a' })]) {
      await assert.rejects(call(), (error) => {
        assert.equal(error.code, 'UNSUPPORTED');
        assert.match(error.message, /2\.14\.0/);
        return true;
      });
    }
    assert.equal(app.control.loginCalls, 0);
    assert.equal(mp.server.log.requests.length, 0);
  } finally {
    await mp.close();
  }
});

test('without any wasm runtime every call rejects UNSUPPORTED naming base library 2.14.0', async () => {
  const { wx } = createFakeWx({ backend: new WeChatStandIn() });
  const sandbox = createSandbox({ root: miniprogramRoot(), wx, WXWebAssembly: null });
  const { createSession, LoginError } = sandbox.require('mp-login');
  const session = createSession({ baseUrl: 'https://api.example.com' });
  for (const call of [() => session.start(), () => session.request({ url: '/x' }), () => session.ensureLogin()]) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof LoginError);
      assert.equal(error.code, 'UNSUPPORTED');
      assert.match(error.message, /2\.14\.0/);
      return true;
    });
  }
});

test('on Douyin, tt and TTWebAssembly are used when there is no wx', async () => {
  const mp = await miniProgram();
  try {
    const tt = createFakeWx({ backend: mp.backend, storage: mp.storage });
    const root = mp.app.sandbox.root;
    const ttWasm = wxWebAssembly(root);
    const sandbox = createSandbox({ root, wx: undefined, WXWebAssembly: null, globals: { tt: tt.wx, TTWebAssembly: ttWasm } });
    assert.equal(sandbox.run('typeof wx + typeof WXWebAssembly'), 'undefinedundefined');
    const session = sandbox.require('mp-login').createSession({ baseUrl: mp.server.url });
    const response = await session.request({ url: '/api/a' });
    assert.equal(response.statusCode, 200);
    assert.equal(tt.control.loginCalls, 1);
    assert.deepEqual(ttWasm.loaded, ['/miniprogram_npm/mp-login/mp_login.wasm.br']);
  } finally {
    await mp.close();
  }
});

// A WXWebAssembly whose first `instantiate` calls behave as `first` says, then the real one.
function flakyWasm(root, first) {
  const real = wxWebAssembly(root);
  let calls = 0;
  return {
    get calls() { return calls; },
    instantiate(file, imports) {
      calls++;
      return calls === 1 ? first(file) : real.instantiate(file, imports);
    }
  };
}

test('a failed load rejects UNSUPPORTED with the reason, and the next call loads again', async () => {
  const mp = await miniProgram();
  try {
    const wasm = flakyWasm(mp.app.sandbox.root, () => Promise.reject(new Error('WXWebAssembly.instantiate: no file')));
    const session = mp.launch({ WXWebAssembly: wasm }).createSession();
    await assert.rejects(session.start(), (error) => {
      assert.equal(error.code, 'UNSUPPORTED');
      assert.match(error.message, /no file/);
      return true;
    });
    await session.start();
    assert.equal(session.state, 'authenticated');
    assert.equal(wasm.calls, 2);
  } finally {
    await mp.close();
  }
});

test('an instantiate that throws synchronously neither escapes createSession nor sticks', async () => {
  const mp = await miniProgram();
  try {
    const wasm = flakyWasm(mp.app.sandbox.root, () => { throw new TypeError('sync throw in instantiate'); });
    const session = mp.launch({ WXWebAssembly: wasm }).createSession();
    await assert.rejects(session.request({ url: '/api/a' }), { code: 'UNSUPPORTED', message: /sync throw/ });
    assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
  } finally {
    await mp.close();
  }
});

test('an instantiate that never settles is bounded: calls reject UNSUPPORTED instead of hanging', async () => {
  const mp = await miniProgram();
  try {
    const wasm = flakyWasm(mp.app.sandbox.root, () => new Promise(() => {}));
    // The package's timers run 1000× faster here; the limit it reports is its real one.
    const fastTimers = { setTimeout: (fn, ms) => setTimeout(fn, Math.ceil((ms || 0) / 1000)) };
    const session = mp.launch({ WXWebAssembly: wasm, globals: fastTimers }).createSession();
    await assert.rejects(session.start(), { code: 'UNSUPPORTED', message: /did not finish within 10000 ms/ });
    await session.start();
    assert.equal(session.state, 'authenticated');
  } finally {
    await mp.close();
  }
});

test('an engine with neither globalThis nor global logs in and sends', async () => {
  const mp = await miniProgram();
  try {
    const app = mp.launch();
    app.sandbox.run('delete globalThis.globalThis');
    assert.equal(app.sandbox.run('typeof globalThis + typeof global'), 'undefinedundefined');
    const session = app.createSession();
    assert.equal((await session.request({ url: '/api/a' })).statusCode, 200);
    assert.equal(mp.server.log.logins, 1);
  } finally {
    await mp.close();
  }
});
