// The platform adapter for wx and the wx-shaped APIs (tt, qq, swan). Always success/fail
// callbacks, never the platform's own Promise mode (unreliable across APIs and versions). Each
// call answers once even if a callback fires twice, and a guard answers it if none ever fires.
// `send` is the callback form the per-request path uses (no promise of its own); the rest are
// Promises.

import { LoginError, messageOf } from '../errors.js';
import * as guards from '../guard.js';

const GRACE_MS = 5000;             // beyond a request's own timeout, before we stop waiting for wx
const LOGIN_GUARD_MS = 15000;      // wx.login normally answers in well under a second
const CHECK_GUARD_MS = 10000;
const MAX_TIMEOUT_MS = 60000;      // wx.request's default and maximum
const MAX_IN_FLIGHT = 10;          // wx.request runs 10 at once and queues the rest itself

const assign = Object.assign;
const Promise_ = Promise;
// Per platform object: how many of our requests wx is running, and the ones it still queues.
const slotsByApi = new WeakMap();


// What wx.request does with a timeout: non-finite or <= 0 means its default; it never waits
// longer than its maximum. Normalised before the request goes out, so it and the guard agree.
function requestTimeout(timeout) {
  return typeof timeout === 'number' && timeout > 0 && timeout <= MAX_TIMEOUT_MS ? timeout : MAX_TIMEOUT_MS;
}

// One platform call: answers once, and is its own guard entry. A request's guard starts only
// when wx would start it (its own queue holds the 11th on), so queueing never counts against
// the timeout; when a guard fires it aborts the task, so nothing reported failed goes on.
class Call {
  constructor(name, guardMs, code, done, shape, slots) {
    this.name = name;
    this.guardMs = guardMs;
    this.code = code;
    this.done = done;
    this.shape = shape;
    this.slots = slots;
    this.task = null;
    this.started = false;
  }

  start() {
    this.started = true;
    if (this.slots) this.slots.running++;
    guards.arm(this.guardMs, this);
  }

  answer(error, result) {
    const done = this.done;
    if (!done) return;
    this.done = null;
    if (this.started) {
      guards.release(this);
      if (this.slots) startQueued(this.slots, -1);
    }
    if (!error && this.shape) {
      result = this.shape(result);
      if (!result) error = new LoginError(this.code, this.name + ':fail the platform answered without a status code');
    }
    if (error) done(error);
    else done(null, result);
  }

  expire() {
    try {
      if (this.task && typeof this.task.abort === 'function') this.task.abort();
    } catch (ignored) { /* it is being given up either way */ }
    this.answer(new LoginError(this.code, this.name + ':fail no answer within ' + this.guardMs + ' ms'));
  }
}

function startQueued(slots, finished) {
  slots.running += finished;
  while (slots.running < MAX_IN_FLIGHT && slots.queued.length) {
    const next = slots.queued.shift();
    if (next.done) next.start();
  }
}

// Calls api[name](args) with `args` (the caller's own copy) given success/fail; `done(error,
// result)` once: the result `success` got (through `shape` when given), or a LoginError(code)
// carrying the platform's errMsg.
function invoke(api, name, args, guardMs, code, done, shape, slots) {
  const call = new Call(name, guardMs, code, done, shape, slots);
  if (!slots || slots.running < MAX_IN_FLIGHT) call.start();
  else slots.queued.push(call);
  args.success = (result) => call.answer(null, result);
  args.fail = (error) => call.answer(new LoginError(code, messageOf(error)));
  try {
    call.task = api[name](args);
  } catch (thrown) {
    call.answer(new LoginError(code, name + ' threw: ' + messageOf(thrown)));
  }
}

function promised(api, name, guardMs, code) {
  return new Promise_((resolve, reject) => {
    invoke(api, name, {}, guardMs, code, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

// {statusCode, data, header}, or null when there is no status: that is no HTTP answer at all.
function toResponse(result) {
  const statusCode = result ? +result.statusCode : NaN; // old Android sent a string
  if (!(statusCode >= 100 && statusCode <= 599)) return null;
  const header = result.header || result.headers;
  return { statusCode, data: result.data, header: header && typeof header === 'object' ? header : {} };
}

export function createPlatform(api) {
  let slots = slotsByApi.get(api);
  if (!slots) slotsByApi.set(api, slots = { running: 0, queued: [] });

  // wx.request with `options`, a copy the caller owns: `done(null, {statusCode, data, header})`
  // for every HTTP status, 4xx and 5xx included; `done(LoginError NETWORK)` only when there is
  // no response.
  function send(options, done) {
    const timeout = options.timeout = requestTimeout(options.timeout);
    invoke(api, 'request', options, timeout + GRACE_MS, 'NETWORK', done, toResponse, slots);
  }

  return {
    send,

    request: (options) => new Promise_((resolve, reject) => {
      send(assign({}, options), (error, response) => (error ? reject(error) : resolve(response)));
    }),

    // Resolves to the code; an empty code on success is a failure (documented behaviour).
    login: () => promised(api, 'login', LOGIN_GUARD_MS, 'LOGIN_FAILED').then((result) => {
      const code = result && result.code;
      if (typeof code !== 'string' || !code) {
        throw new LoginError('LOGIN_FAILED', 'wx.login succeeded without a code (' + messageOf(result) + ')');
      }
      return code;
    }),

    // Resolves to whether WeChat's session_key is alive; never rejects.
    checkSession: () => (typeof api.checkSession !== 'function' ? Promise_.resolve(true)
      : promised(api, 'checkSession', CHECK_GUARD_MS, 'LOGIN_FAILED').then(() => true, () => false)),

    // The Sync storage calls throw on failure; callers decide what a throw means.
    readStorage: (key) => api.getStorageSync(key),
    writeStorage: (key, value) => api.setStorageSync(key, value),
    removeStorage: (key) => api.removeStorageSync(key)
  };
}
