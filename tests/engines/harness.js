// Runs INSIDE an engine shell (jsc --useJIT=false, or js102 at its lowest tiers), spawned by
// tests/engines/bridge.js. It makes the shell look like a mini program's JS thread on a phone
// and runs one scenario against the BUILT package (miniprogram_dist/index.js, wrapped as the
// CommonJS function WeChat makes of each file):
//   - no WebAssembly, TextEncoder or TextDecoder globals (captured here, then deleted);
//   - WXWebAssembly: a path-only stand-in over the engine's own WebAssembly; it accepts only the
//     package's code-package path and reads the .wasm Node decompressed from the .wasm.br
//     beforehand (the shells have no brotli);
//   - setTimeout/clearTimeout: jsc's own setTimeout (jsc has no clearTimeout: cancellation is a
//     flag); js102 has no timers at all, so a run loop here runs them between job-queue drains;
//   - optionally a Promise whose then-callbacks run as macrotasks (iOS <= 15's polyfill);
//   - wx: callbacks only, always asynchronous (setTimeout 0). wx.request and wx.login cross to
//     the Node parent: one JSON line on stdout, then a blocking readline() for the answer, which
//     the parent gets with real HTTP from the demo server (and codes from its WeChat stand-in).
//     Storage is a Map here, JSON copies, "" for a missing key. Because the shell blocks, HTTP
//     never overlaps: ten requests are ten round trips in a row, each answered later by a timer;
//   - console: forwarded to the parent (jsc has none).
// Everything the shell prints to stdout for the parent starts with "@@mp " and is ASCII only
// (both shells read and print bytes, not UTF-8).
(function (global) {
  'use strict';

  // ---- the shell, captured before anything is removed ----
  var SPIDERMONKEY = typeof drainJobQueue === 'function';
  var ENGINE = SPIDERMONKEY ? 'spidermonkey' : typeof drainMicrotasks === 'function' ? 'javascriptcore' : 'unknown';
  var shellPrint = print;
  var shellReadline = readline;
  var shellRead = read;
  var shellLoad = load;
  var shellQuit = quit;
  var drainJobs = SPIDERMONKEY ? drainJobQueue : drainMicrotasks;
  var sleepMs = function (ms) { sleep(ms / 1000); }; // js102's run loop only: jsc runs its own
  var nativeSetTimeout = typeof global.setTimeout === 'function' ? global.setTimeout : null;
  var EngineWebAssembly = global.WebAssembly;
  var NativePromise = global.Promise;
  var dateNow = Date.now;

  function jitOptions() {
    if (typeof getJitCompilerOptions === 'function') return getJitCompilerOptions();
    if (typeof jscOptions === 'function') {
      var o = jscOptions();
      return { useJIT: o.useJIT, useBBQJIT: o.useBBQJIT, useOMGJIT: o.useOMGJIT, useRegExpJIT: o.useRegExpJIT,
        useWasmIPInt: o.useWasmIPInt, useWasmLLInt: o.useWasmLLInt };
    }
    return null;
  }
  var JIT = jitOptions();

  // ---- the bridge to the Node parent ----
  function ascii(text) {
    return text.replace(/[\u007f-\uffff]/g, function (c) { return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4); });
  }
  function send(message) {
    shellPrint('@@mp ' + ascii(JSON.stringify(message)));
  }
  var asked = 0;
  // A blocking round trip: the shell has no sockets and no way to wait for input asynchronously.
  function ask(op, payload) {
    var message = { op: op, id: ++asked };
    for (var key in payload) message[key] = payload[key];
    send(message);
    var line = shellReadline();
    if (typeof line !== 'string' || !line) { // EOF: the parent is gone
      shellQuit(3);
    }
    var reply = JSON.parse(line);
    if (reply.id !== message.id) throw new Error('bridge out of step: asked ' + message.id + ', answered ' + reply.id);
    return reply;
  }

  var config = ask('hello', { engine: ENGINE }).config;

  // ---- what the package must not see ----
  var REMOVED = ['WebAssembly', 'TextEncoder', 'TextDecoder'];
  REMOVED.forEach(function (name) { delete global[name]; });
  // Also absent on a phone, as in the Node sandbox (simulator/sandbox.js); neither shell has them.
  var ABSENT = REMOVED.concat(['fetch', 'window', 'self', 'process', 'Buffer', 'require', 'module', 'queueMicrotask', 'URL']);
  var leaked = ABSENT.filter(function (name) { return typeof global[name] !== 'undefined'; });

  // A mini program has a console (jsc has none, js102 its own): the parent keeps what it says.
  function consoleMethod(level) {
    return function () {
      var text = Array.prototype.map.call(arguments, function (value) {
        return value instanceof Error ? String(value) : typeof value === 'string' ? value : JSON.stringify(value);
      }).join(' ');
      send({ op: 'console', level: level, text: text });
    };
  }
  global.console = { log: consoleMethod('log'), info: consoleMethod('info'), warn: consoleMethod('warn'),
    error: consoleMethod('error'), debug: consoleMethod('debug') };

  // ---- timers ----
  var uncaught = [];
  function guarded(fn, args) {
    try {
      fn.apply(undefined, args);
    } catch (error) {
      // On a phone this would reach App.onError; here it fails the run.
      uncaught.push(String(error && error.stack ? error + '\n' + error.stack : error));
    }
  }
  var timerSeq = 0;
  var runLoopTimers = []; // js102: {id, due, fn, args}, run by runLoop()
  var liveTimers = new Map(); // jsc: id -> true while neither run nor cleared
  var setTimeout_, clearTimeout_;
  if (nativeSetTimeout) {
    setTimeout_ = function (fn, ms) {
      var args = Array.prototype.slice.call(arguments, 2);
      var id = ++timerSeq;
      liveTimers.set(id, true);
      nativeSetTimeout(function () {
        if (liveTimers.delete(id)) guarded(fn, args);
      }, Math.max(0, +ms || 0));
      return id;
    };
    clearTimeout_ = function (id) { liveTimers.delete(id); };
  } else {
    setTimeout_ = function (fn, ms) {
      var id = ++timerSeq;
      runLoopTimers.push({ id: id, due: dateNow() + Math.max(0, +ms || 0), fn: fn, args: Array.prototype.slice.call(arguments, 2) });
      return id;
    };
    clearTimeout_ = function (id) {
      for (var i = 0; i < runLoopTimers.length; i++) {
        if (runLoopTimers[i].id === id) return void runLoopTimers.splice(i, 1);
      }
    };
  }
  global.setTimeout = setTimeout_;
  global.clearTimeout = clearTimeout_;

  // The earliest due timer, the first set among equals (setTimeout's order); jobs (promise
  // reactions, wasm compilation results) are drained before each timer, as an event loop does.
  var finished = false;
  function runLoop(limitMs) {
    var deadline = dateNow() + limitMs;
    for (;;) {
      drainJobs();
      if (finished) return 'finished';
      if (!runLoopTimers.length) return 'stalled: no timers and no jobs left, the scenario never finished';
      var next = 0;
      for (var i = 1; i < runLoopTimers.length; i++) if (runLoopTimers[i].due < runLoopTimers[next].due) next = i;
      var wait = runLoopTimers[next].due - dateNow();
      if (dateNow() + Math.max(0, wait) > deadline) return 'stalled: the next timer is past the ' + limitMs + ' ms limit';
      if (wait > 0) sleepMs(wait);
      var timer = runLoopTimers.splice(next, 1)[0];
      guarded(timer.fn, timer.args);
    }
  }

  // ---- iOS <= 15: a Promise whose then-callbacks run as macrotasks ----
  function macrotaskPromise(schedule) {
    var PENDING = 0;
    var FULFILLED = 1;
    var REJECTED = 2;
    function P(executor) {
      if (!(this instanceof P)) throw new TypeError('Promise must be called with new');
      if (typeof executor !== 'function') throw new TypeError('Promise resolver ' + executor + ' is not a function');
      this._state = PENDING;
      this._value = undefined;
      this._reactions = [];
      var settle = settlers(this);
      try {
        executor(settle.resolve, settle.reject);
      } catch (error) {
        settle.reject(error);
      }
    }
    function settlers(promise) {
      var called = false;
      return {
        resolve: function (value) { if (!called) { called = true; resolveWith(promise, value); } },
        reject: function (reason) { if (!called) { called = true; settle(promise, REJECTED, reason); } }
      };
    }
    function resolveWith(promise, value) {
      if (value === promise) return settle(promise, REJECTED, new TypeError('Chaining cycle detected for promise'));
      if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
        var then;
        try {
          then = value.then;
        } catch (error) {
          return settle(promise, REJECTED, error);
        }
        if (typeof then === 'function') {
          var inner = settlers(promise);
          try {
            then.call(value, inner.resolve, inner.reject);
          } catch (error) {
            inner.reject(error);
          }
          return;
        }
      }
      settle(promise, FULFILLED, value);
    }
    function settle(promise, state, value) {
      if (promise._state !== PENDING) return;
      promise._state = state;
      promise._value = value;
      var reactions = promise._reactions;
      promise._reactions = null;
      for (var i = 0; i < reactions.length; i++) react(promise, reactions[i]);
    }
    function react(promise, reaction) {
      schedule(function () {
        var fulfilled = promise._state === FULFILLED;
        var handler = fulfilled ? reaction.onFulfilled : reaction.onRejected;
        if (typeof handler !== 'function') return (fulfilled ? reaction.resolve : reaction.reject)(promise._value);
        var result;
        try {
          result = handler(promise._value);
        } catch (error) {
          return reaction.reject(error);
        }
        reaction.resolve(result);
      });
    }
    P.prototype.then = function (onFulfilled, onRejected) {
      var reaction = { onFulfilled: onFulfilled, onRejected: onRejected };
      var next = new P(function (resolve, reject) { reaction.resolve = resolve; reaction.reject = reject; });
      if (this._state === PENDING) this._reactions.push(reaction);
      else react(this, reaction);
      return next;
    };
    P.prototype['catch'] = function (onRejected) { return this.then(undefined, onRejected); };
    P.prototype['finally'] = function (onFinally) {
      return this.then(function (value) { return P.resolve(onFinally()).then(function () { return value; }); },
        function (reason) { return P.resolve(onFinally()).then(function () { throw reason; }); });
    };
    P.resolve = function (value) {
      return value instanceof P ? value : new P(function (resolve) { resolve(value); });
    };
    P.reject = function (reason) { return new P(function (resolve, reject) { reject(reason); }); };
    P.all = function (items) {
      return new P(function (resolve, reject) {
        var list = Array.from(items);
        var results = new Array(list.length);
        var left = list.length;
        if (!left) return resolve(results);
        list.forEach(function (item, i) {
          P.resolve(item).then(function (value) {
            results[i] = value;
            if (--left === 0) resolve(results);
          }, reject);
        });
      });
    };
    P.allSettled = function (items) {
      return P.all(Array.from(items).map(function (item) {
        return P.resolve(item).then(function (value) { return { status: 'fulfilled', value: value }; },
          function (reason) { return { status: 'rejected', reason: reason }; });
      }));
    };
    P.race = function (items) {
      return new P(function (resolve, reject) {
        Array.from(items).forEach(function (item) { P.resolve(item).then(resolve, reject); });
      });
    };
    return P;
  }

  if (config.promise === 'macrotask') {
    global.Promise = macrotaskPromise(function (job) { setTimeout_(job, 0); });
  }
  // What the variant really does: does a then-callback run when only the job queue is drained?
  var probeRan = false;
  global.Promise.resolve().then(function () { probeRan = true; });
  drainJobs();
  var thenRunsAs = probeRan ? 'microtask' : 'macrotask';

  // ---- WXWebAssembly: path-only, over the engine's own WebAssembly ----
  var codePackage = {};
  codePackage[config.wasmPath] = config.wasmFile; // the package's .wasm.br path -> the decompressed copy
  var wasmCalls = [];
  var WXWebAssembly = {
    instantiate: function (path, imports) {
      wasmCalls.push(typeof path === 'string' ? path : '<' + typeof path + '>');
      if (typeof path !== 'string') {
        return NativePromise.reject(new TypeError('WXWebAssembly.instantiate: the first argument must be a path string'));
      }
      if (!/\.wasm(\.br)?$/.test(path) || !Object.prototype.hasOwnProperty.call(codePackage, path)) {
        return NativePromise.reject(new Error('WXWebAssembly.instantiate: no file ' + path + ' in the code package'));
      }
      var bytes = shellRead(codePackage[path], 'binary');
      return EngineWebAssembly.instantiate(bytes, imports).then(function (result) {
        return { instance: result.instance, module: result.module };
      });
    }
  };
  global.WXWebAssembly = WXWebAssembly;

  // ---- wx ----
  var storage = new Map(); // one device: it outlives launches

  function createWx() {
    var control = { loginCalls: 0, checkSessionCalls: 0, requests: [], inFlight: 0, maxInFlight: 0 };
    function finish(options, ok, result) {
      setTimeout_(function () {
        if (ok && typeof options.success === 'function') options.success(result);
        if (!ok && typeof options.fail === 'function') options.fail(result);
        if (typeof options.complete === 'function') options.complete(result);
      }, 0);
    }
    function query(data) {
      if (typeof data === 'string') return data;
      return Object.keys(data).map(function (key) {
        var value = data[key];
        var text = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
        return encodeURIComponent(key) + '=' + encodeURIComponent(text);
      }).join('&');
    }
    function headerKey(header, name) {
      return Object.keys(header).filter(function (k) { return k.toLowerCase() === name; })[0];
    }
    function login(options) {
      options = options || {};
      control.loginCalls++;
      var code = ask('code', {}).code;
      finish(options, true, { code: code, errMsg: 'login:ok' });
    }
    function checkSession(options) {
      options = options || {};
      control.checkSessionCalls++;
      finish(options, true, { errMsg: 'checkSession:ok' });
    }
    function request(options) {
      var method = String(options.method || 'GET').toUpperCase();
      var header = Object.assign({}, options.header || {});
      var url = options.url;
      var body = null;
      var data = options.data;
      if (data !== undefined && data !== null) {
        if (method === 'GET') {
          var q = query(data);
          if (q) url += (url.indexOf('?') >= 0 ? '&' : '?') + q;
        } else if (typeof data === 'string') {
          body = data;
        } else {
          var type = String(header[headerKey(header, 'content-type')] || 'application/json');
          if (type.indexOf('x-www-form-urlencoded') >= 0) body = query(data);
          else {
            body = JSON.stringify(data);
            if (!headerKey(header, 'content-type')) header['content-type'] = 'application/json';
          }
        }
      }
      control.requests.push({ method: method, url: url, header: header });
      control.inFlight++;
      control.maxInFlight = Math.max(control.maxInFlight, control.inFlight);
      var done = false;
      var task = {
        abort: function () { settle(false, { errMsg: 'request:fail abort' }); },
        onHeadersReceived: function () {},
        offHeadersReceived: function () {}
      };
      function settle(ok, result) {
        if (done) return;
        done = true;
        control.inFlight--;
        finish(options, ok, result);
      }
      var answer = ask('http', { method: method, url: url, header: header, body: body, timeout: options.timeout });
      // The answer is here already; the callbacks still come later, as wx's do.
      setTimeout_(function () {
        if (answer.error) return settle(false, { errMsg: 'request:fail ' + answer.error, errno: 600001 });
        var responseData = answer.body;
        if ((options.dataType || 'json') === 'json') {
          try { responseData = JSON.parse(responseData); } catch (notJson) { /* wx keeps the text */ }
        }
        settle(true, { data: responseData, statusCode: answer.status, header: answer.header, cookies: [], errMsg: 'request:ok' });
      }, 0);
      return task;
    }
    function getStorageSync(key) {
      if (typeof key !== 'string' || !key) throw new Error('getStorageSync:fail parameter error: key must be a non-empty string');
      return storage.has(key) ? JSON.parse(storage.get(key)) : '';
    }
    function setStorageSync(key, value) {
      if (typeof key !== 'string' || !key) throw new Error('setStorageSync:fail parameter error: key must be a non-empty string');
      storage.set(key, JSON.stringify(value === undefined ? null : value));
    }
    function removeStorageSync(key) {
      storage.delete(key);
    }
    return {
      control: control,
      wx: { login: login, checkSession: checkSession, request: request, getStorageSync: getStorageSync,
        setStorageSync: setStorageSync, removeStorageSync: removeStorageSync }
    };
  }

  // ---- CommonJS: the bundle as WeChat runs a file, a function of (require, module, exports) ----
  var requires = [];
  function cjsRequire(name) {
    requires.push(String(name));
    throw new Error('module "' + name + '" is not defined');
  }
  // A launch: a fresh wx and a fresh evaluation of the package, on the same device storage.
  function launch() {
    var fake = createWx();
    global.wx = fake.wx;
    shellLoad(config.bundleFile); // defines __mpLoginFactory: the bundle's text, wrapped
    var factory = global.__mpLoginFactory;
    delete global.__mpLoginFactory;
    var module = { exports: {} };
    factory.call(module.exports, cjsRequire, module, module.exports, undefined, undefined);
    var mpLogin = module.exports;
    return {
      control: fake.control,
      wx: fake.wx,
      mpLogin: mpLogin,
      createSession: function (options) {
        return mpLogin.createSession(Object.assign({ baseUrl: config.baseUrl }, options || {}));
      }
    };
  }

  // ---- the scenarios: each resolves to what it saw; the parent checks it and the server ----
  var KEY = 'mp-login:session';
  function statusOf(response) { return response.statusCode; }
  function tokenOf(response) { return response.data && response.data.token; }
  function stored() { return storage.has(KEY) ? JSON.parse(storage.get(KEY)) : null; }

  var scenarios = {
    // One wx.login, one exchange, the request answered with the new token, the token stored.
    'cold-start': function () {
      var app = launch();
      var session = app.createSession();
      var stateBefore = session.state;
      return session.request({ url: '/api/me' }).then(function (response) {
        var record = stored();
        return { stateBefore: stateBefore, status: statusOf(response), sentToken: tokenOf(response), state: session.state,
          token: session.token, storedToken: record && record.token, loginCalls: app.control.loginCalls,
          requests: app.control.requests.map(function (r) { return r.method + ' ' + r.url.replace(config.baseUrl, ''); }) };
      });
    },

    // The server revokes every token: the next request is refused (401), the session logs in
    // once more and retries it with the new token.
    'relogin-401': function () {
      var app = launch();
      var session = app.createSession();
      var first;
      return session.request({ url: '/api/first' }).then(function (response) {
        first = { status: statusOf(response), token: tokenOf(response) };
        ask('revoke', {});
        return session.request({ url: '/api/second' });
      }).then(function (response) {
        return { first: first, second: { status: statusOf(response), token: tokenOf(response) }, state: session.state,
          loginCalls: app.control.loginCalls, storedToken: stored() && stored().token, token: session.token };
      });
    },

    // Ten requests before any token: they share one login.
    'concurrent': function () {
      var app = launch();
      var session = app.createSession();
      var calls = [];
      for (var i = 0; i < 10; i++) calls.push(session.request({ url: '/api/item/' + i }));
      return Promise.all(calls).then(function (responses) {
        return { statuses: responses.map(statusOf), tokens: responses.map(tokenOf), loginCalls: app.control.loginCalls,
          maxInFlight: app.control.maxInFlight, state: session.state };
      });
    },

    // A second launch on the same storage uses the stored token: no wx.login, no exchange.
    'restore': function () {
      var first = launch();
      var firstSession = first.createSession();
      var firstToken;
      return firstSession.request({ url: '/api/me' }).then(function (response) {
        firstToken = tokenOf(response);
        var second = launch();
        var session = second.createSession();
        return session.request({ url: '/api/again' }).then(function (again) {
          return { firstToken: firstToken, firstLoginCalls: first.control.loginCalls, status: statusOf(again),
            sentToken: tokenOf(again), token: session.token, state: session.state, loginCalls: second.control.loginCalls,
            checkSessionCalls: second.control.checkSessionCalls, distinctPackages: first.mpLogin !== second.mpLogin };
        });
      });
    },

    // Logout: no token in memory or storage; the next launch logs in afresh.
    'logout': function () {
      var app = launch();
      var session = app.createSession();
      var before;
      return session.request({ url: '/api/me' }).then(function (response) {
        before = { status: statusOf(response), storedToken: stored() && stored().token };
        return session.logout();
      }).then(function () {
        var after = { state: session.state, token: session.token, storageKeys: Array.from(storage.keys()),
          read: app.wx.getStorageSync(KEY) };
        var next = launch();
        var nextSession = next.createSession();
        return nextSession.request({ url: '/api/me' }).then(function (response) {
          return { before: before, after: after, nextLaunch: { loginCalls: next.control.loginCalls, status: statusOf(response),
            state: nextSession.state } };
        });
      });
    }
  };

  // Not the package: the harness itself, which the scenarios above rely on. The stand-in refuses
  // bytes and paths outside the code package; timers keep their order, honour their delay and
  // stay cleared.
  scenarios.controls = function () {
    function refusal(promise) {
      return promise.then(function () { return 'resolved'; }, function (error) { return error.name + ': ' + error.message; });
    }
    var bytes = refusal(WXWebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), {}));
    var unknown = refusal(WXWebAssembly.instantiate('/elsewhere/mp_login.wasm.br', {}));
    var fired = [];
    var start = dateNow();
    var cleared = setTimeout(function () { fired.push('cleared'); }, 0);
    setTimeout(function (label) { fired.push(label); }, 0, 'first');
    setTimeout(function () { fired.push('second'); }, 0);
    clearTimeout(cleared);
    var delay = new Promise(function (resolve) {
      setTimeout(function () { resolve(dateNow() - start); }, 30);
    });
    return Promise.all([bytes, unknown, delay]).then(function (values) {
      return { bytes: values[0], unknown: values[1], delayMs: values[2], fired: fired };
    });
  };

  // ---- run ----
  function report(outcome) {
    if (finished) return;
    finished = true;
    outcome.engine = ENGINE;
    outcome.jit = JIT;
    outcome.leaked = leaked;
    outcome.thenRunsAs = thenRunsAs;
    outcome.wasmCalls = wasmCalls;
    outcome.requires = requires;
    outcome.uncaught = uncaught;
    send({ op: 'result', outcome: outcome });
  }
  var scenario = scenarios[config.scenario];
  try {
    if (!scenario) throw new Error('no scenario "' + config.scenario + '"');
    scenario().then(function (result) {
      report({ result: result });
      if (!SPIDERMONKEY) shellQuit(0); // jsc would otherwise wait out the package's pending timers
    }, function (error) {
      report({ error: String(error && error.stack ? error + '\n' + error.stack : error), code: error && error.code });
      if (!SPIDERMONKEY) shellQuit(0);
    });
  } catch (error) {
    report({ error: String(error && error.stack ? error + '\n' + error.stack : error) });
    shellQuit(0);
  }
  if (SPIDERMONKEY) {
    var ended = runLoop(config.limitMs);
    if (ended !== 'finished') report({ error: ended });
    shellQuit(0);
  }
  // jsc: its own run loop (timers, wasm compilation) takes over when this script ends. Should it
  // run dry before the scenario finishes, the parent sees an exit without a result.
})(typeof globalThis !== 'undefined' ? globalThis : this);
