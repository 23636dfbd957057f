// The platform adapter for wx and the wx-shaped APIs (tt, qq, swan). Always success/fail
// callbacks, never the platform's own Promise mode (unreliable across APIs and versions). Each
// call answers once even if a callback fires twice, and a guard timer answers it if none ever
// fires. `send` is the callback form the per-request path uses (no promise of its own); the
// rest are Promises.

import { LoginError } from '../errors.js';
import * as guards from '../guard.js';

var GRACE_MS = 5000;         // beyond a request's own timeout, before we stop waiting for wx
var LOGIN_GUARD_MS = 15000;  // wx.login normally answers in well under a second
var CHECK_GUARD_MS = 10000;
var DEFAULT_REQUEST_TIMEOUT_MS = 60000;

var assign = Object.assign;
var Promise_ = Promise;

function errMsgOf(error) {
  if (error && typeof error.errMsg === 'string') return error.errMsg;
  if (error && typeof error.message === 'string') return error.message;
  return String(error);
}

// Calls api[name](args) with `args` (the caller's own copy) given success/fail;
// `done(error, result)` once: the result `success` got (through `shape` when given), or a
// LoginError(code) carrying the platform's errMsg. The call is its own guard entry.
function invoke(api, name, args, guardMs, code, done, shape) {
  var call = new Call(name, guardMs, code, done, shape);
  guards.arm(guardMs, call);
  args.success = function (result) { call.answer(null, result); };
  args.fail = function (error) { call.answer(new LoginError(code, errMsgOf(error))); };
  try {
    api[name](args);
  } catch (thrown) {
    call.answer(new LoginError(code, name + ' threw: ' + errMsgOf(thrown)));
  }
}

function Call(name, guardMs, code, done, shape) {
  this.name = name;
  this.guardMs = guardMs;
  this.code = code;
  this.done = done;
  this.shape = shape;
}

Call.prototype.answer = function (error, result) {
  var done = this.done;
  if (!done) return;
  this.done = null;
  guards.release(this);
  if (error) done(error);
  else done(null, this.shape ? this.shape(result) : result);
};

Call.prototype.expire = function () {
  this.answer(new LoginError(this.code, this.name + ':fail no answer within ' + this.guardMs + ' ms'));
};

function promised(api, name, guardMs, code) {
  return new Promise_(function (resolve, reject) {
    invoke(api, name, {}, guardMs, code, function (error, result) {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

function toResponse(result) {
  var header = result.header || result.headers;
  return {
    statusCode: +result.statusCode, // old Android sent a string
    data: result.data,
    header: header && typeof header === 'object' ? header : {}
  };
}

function createPlatform(api) {
  // wx.request with `options`, a copy the caller owns: `done(null, {statusCode, data, header})`
  // for every HTTP status, 4xx and 5xx included; `done(LoginError NETWORK)` only when there is
  // no response. statusCode is coerced: old Android sent a string.
  function send(options, done) {
    var timeout = typeof options.timeout === 'number' ? options.timeout : DEFAULT_REQUEST_TIMEOUT_MS;
    invoke(api, 'request', options, timeout + GRACE_MS, 'NETWORK', done, toResponse);
  }

  return {
    send: send,

    request: function (options) {
      return new Promise_(function (resolve, reject) {
        send(assign({}, options), function (error, response) {
          if (error) reject(error);
          else resolve(response);
        });
      });
    },

    // Resolves to the code; an empty code on success is a failure (documented behaviour).
    login: function () {
      return promised(api, 'login', LOGIN_GUARD_MS, 'LOGIN_FAILED').then(function (result) {
        var code = result && result.code;
        if (typeof code !== 'string' || !code) {
          throw new LoginError('LOGIN_FAILED', 'wx.login succeeded without a code (' + errMsgOf(result) + ')');
        }
        return code;
      });
    },

    // Resolves to whether WeChat's session_key is alive; never rejects.
    checkSession: function () {
      if (typeof api.checkSession !== 'function') return Promise.resolve(true);
      return promised(api, 'checkSession', CHECK_GUARD_MS, 'LOGIN_FAILED').then(
        function () { return true; },
        function () { return false; });
    },

    // The Sync storage calls throw on failure; callers decide what a throw means.
    readStorage: function (key) { return api.getStorageSync(key); },
    writeStorage: function (key, value) { api.setStorageSync(key, value); },
    removeStorage: function (key) { api.removeStorageSync(key); }
  };
}

export { createPlatform };
