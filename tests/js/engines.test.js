'use strict';
// The BUILT package (miniprogram_dist/index.js and the .wasm.br) in the engines phones use:
// JavaScriptCore with the JIT off (iOS WeChat runs mini-program JS in JSC without JIT) and
// SpiderMonkey at its lowest tiers, each without WebAssembly/TextEncoder/TextDecoder globals,
// through a path-only WXWebAssembly over the engine's own WebAssembly, and each with the
// engine's Promise and with a Promise whose then-callbacks run as macrotasks (iOS <= 15).
// wx.request is real HTTP to the demo server, bridged by Node (the shells have no sockets):
// see tests/engines/. The shells come from scripts/setup.sh; a missing one FAILS these tests.
//
// What this cannot prove: WeChat's own wasm engine on iOS (not JSC's), its base library's
// WXWebAssembly, wx and Promise polyfill (stand-ins here), or anything about a real phone.
const test = require('node:test');
const assert = require('node:assert/strict');
const { ENGINES, locate, version, prepare, runScenario, WASM_PATH } = require('../engines/bridge');

const PROMISES = [
  { promise: 'native', thenRunsAs: 'microtask' },
  { promise: 'macrotask', thenRunsAs: 'macrotask' }
];

// What every run of the real package must show besides its scenario's own result.
function resultOf(engine, run, thenRunsAs) {
  const context = `\n--- exit ${run.exitCode}${run.signal ? ' (' + run.signal + ')' : ''}; stderr:\n${run.stderr}\n--- other stdout:\n` +
    run.stray.join('\n') + '\n--- console:\n' + run.console.join('\n');
  assert.ok(run.outcome, 'the engine exited without reporting a result' + context);
  const outcome = run.outcome;
  assert.equal(outcome.error, undefined, 'the package failed in the engine: ' + outcome.error + context);
  assert.deepEqual(outcome.uncaught, [], 'errors thrown out of timer/wx callbacks' + context);
  assert.equal(run.exitCode, 0, context);
  assert.ok(engine.jitOff(outcome.jit), 'the engine ran with a JIT on: ' + JSON.stringify(outcome.jit));
  assert.deepEqual(outcome.leaked, [], 'globals a phone lacks were visible');
  assert.equal(outcome.thenRunsAs, thenRunsAs, 'the Promise variant did not take');
  assert.deepEqual(outcome.requires, [], 'the package called require');
  assert.deepEqual(run.console, [], 'the package wrote to the console');
  assert.ok(outcome.wasmCalls.length >= 1 && outcome.wasmCalls.every((p) => p === WASM_PATH),
    'the core was loaded other than through WXWebAssembly with the package path: ' + JSON.stringify(outcome.wasmCalls));
  assert.equal(run.backend.reusedCodes, 0, 'a wx.login code was exchanged twice');
  return outcome.result;
}

const apiRequests = (run, path) => run.server.log.requests.filter((r) => (path ? r.path === path : r.path.startsWith('/api/')));

for (const engine of ENGINES) {
  test(`${engine.label}: installed (scripts/setup.sh installs Debian's ${engine.debianPackage})`, (t) => {
    const file = locate(engine);
    assert.ok(file, `${engine.bin} not found: run scripts/setup.sh (apt-get install ${engine.debianPackage})`);
    t.diagnostic(`${file}: ${version(engine, file)}`);
  });

  test(`${engine.label}: the harness (the stand-in refuses bytes and unknown paths; timers order, delay and clear)`, async () => {
    for (const { promise } of PROMISES) {
      const run = await runScenario(engine, { scenario: 'controls', promise });
      assert.ok(run.outcome && run.outcome.result, `${promise}: no result: ${JSON.stringify(run.outcome)} ${run.stderr}`);
      const result = run.outcome.result;
      assert.match(result.bytes, /^TypeError: .*path string/);
      assert.match(result.unknown, /no file \/elsewhere\/mp_login\.wasm\.br/);
      assert.deepEqual(result.fired, ['first', 'second']);
      assert.ok(result.delayMs >= 29, `a 30 ms timer fired after ${result.delayMs} ms`);
      assert.deepEqual(run.outcome.uncaught, []);
    }
  });

  test(`${engine.label}: a package using what phones lack fails here (the engine tests can fail)`, async () => {
    const { source } = prepare();
    for (const [global, use] of [['TextDecoder', 'new TextDecoder("utf-8")'], ['WebAssembly', 'WebAssembly.Module']]) {
      const run = await runScenario(engine, { scenario: 'cold-start', source: use + ';\n' + source });
      assert.ok(run.outcome, run.stderr);
      assert.match(String(run.outcome.error), new RegExp('ReferenceError: .*' + global), global);
    }
  });

  for (const { promise, thenRunsAs } of PROMISES) {
    const name = `${engine.label}, ${promise} Promise`;

    test(`${name}: cold start: one wx.login, one exchange, the request sent with the new token`, async () => {
      const run = await runScenario(engine, { scenario: 'cold-start', promise });
      const result = resultOf(engine, run, thenRunsAs);
      assert.equal(result.stateBefore, 'no-token');
      assert.equal(result.status, 200);
      assert.equal(result.loginCalls, 1);
      assert.equal(run.server.log.logins, 1);
      assert.equal(run.server.log.loginAttempts, 1);
      assert.deepEqual(result.requests, ['POST /login', 'GET /api/me']);
      assert.equal(result.state, 'authenticated');
      assert.ok(result.token && result.sentToken === result.token && result.storedToken === result.token);
      assert.deepEqual(apiRequests(run).map((r) => r.token), [result.token]);
    });

    test(`${name}: a 401 causes exactly one re-login and the request is retried with the new token`, async () => {
      const run = await runScenario(engine, { scenario: 'relogin-401', promise });
      const result = resultOf(engine, run, thenRunsAs);
      assert.equal(result.first.status, 200);
      assert.equal(result.second.status, 200);
      assert.equal(result.loginCalls, 2);
      assert.equal(run.server.log.logins, 2);
      assert.notEqual(result.second.token, result.first.token);
      assert.deepEqual(apiRequests(run, '/api/second').map((r) => r.token), [result.first.token, result.second.token]);
      assert.deepEqual(run.bridged.filter((r) => r.url.endsWith('/api/second')).map((r) => r.status), [401, 200]);
      assert.equal(result.state, 'authenticated');
      assert.equal(result.token, result.second.token);
      assert.equal(result.storedToken, result.second.token);
    });

    test(`${name}: ten concurrent requests share one login`, async () => {
      const run = await runScenario(engine, { scenario: 'concurrent', promise });
      const result = resultOf(engine, run, thenRunsAs);
      assert.deepEqual(result.statuses, Array(10).fill(200));
      assert.equal(result.loginCalls, 1);
      assert.equal(run.server.log.logins, 1);
      assert.equal(new Set(result.tokens).size, 1);
      assert.equal(apiRequests(run).length, 10);
      assert.ok(result.maxInFlight <= 10, `${result.maxInFlight} wx.requests in flight`);
    });

    test(`${name}: a second launch restores the token from storage, with no wx.login`, async () => {
      const run = await runScenario(engine, { scenario: 'restore', promise });
      const result = resultOf(engine, run, thenRunsAs);
      assert.equal(result.distinctPackages, true, 'the second launch must evaluate the package afresh');
      assert.equal(result.firstLoginCalls, 1);
      assert.equal(result.loginCalls, 0);
      assert.equal(run.server.log.logins, 1);
      assert.equal(result.status, 200);
      assert.equal(result.sentToken, result.firstToken);
      assert.equal(result.token, result.firstToken);
      assert.equal(result.state, 'authenticated');
      assert.equal(run.outcome.wasmCalls.length, 2, 'each launch loads its own core');
    });

    test(`${name}: logout leaves no token in memory or storage, and the next launch logs in afresh`, async () => {
      const run = await runScenario(engine, { scenario: 'logout', promise });
      const result = resultOf(engine, run, thenRunsAs);
      assert.equal(result.before.status, 200);
      assert.ok(result.before.storedToken);
      assert.equal(result.after.state, 'no-token');
      assert.equal(result.after.token, null);
      assert.deepEqual(result.after.storageKeys, []);
      assert.equal(result.after.read, '');
      assert.equal(result.nextLaunch.loginCalls, 1);
      assert.equal(result.nextLaunch.status, 200);
      assert.equal(result.nextLaunch.state, 'authenticated');
      assert.equal(run.server.log.logins, 2);
    });
  }
}
