'use strict';
// The platform adapter: wx-shaped callback APIs as Promises. Always success/fail callbacks,
// never the platform's own Promise mode (unreliable across APIs and versions). Each call
// settles once even if a callback fires twice, and a guard timer settles it if none ever fires.

var LoginError = require('./errors.js').LoginError;

var GRACE_MS = 5000;         // beyond a request's own timeout, before we stop waiting for wx
var LOGIN_GUARD_MS = 15000;  // wx.login normally answers in well under a second
var CHECK_GUARD_MS = 10000;
var DEFAULT_REQUEST_TIMEOUT_MS = 60000;

function errMsgOf(error) {
  if (error && typeof error.errMsg === 'string') return error.errMsg;
  if (error && typeof error.message === 'string') return error.message;
  return String(error);
}

// Calls api[name](options) and resolves with what `success` got, or rejects with
// LoginError(code) carrying the platform's errMsg.
function call(api, name, options, guardMs, code) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var guard = setTimeout(function () {
      settle(reject, new LoginError(code, name + ':fail no answer within ' + guardMs + ' ms'));
    }, guardMs);
    function settle(finish, value) {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      finish(value);
    }
    var args = Object.assign({}, options, {
      success: function (result) { settle(resolve, result); },
      fail: function (error) { settle(reject, new LoginError(code, errMsgOf(error))); }
    });
    try {
      api[name](args);
    } catch (thrown) {
      settle(reject, new LoginError(code, name + ' threw: ' + errMsgOf(thrown)));
    }
  });
}

function headerOf(result) {
  var header = result.header || result.headers;
  return header && typeof header === 'object' ? header : {};
}

function createPlatform(api) {
  return {
    // Resolves to the code; an empty code on success is a failure (documented behaviour).
    login: function () {
      return call(api, 'login', {}, LOGIN_GUARD_MS, 'LOGIN_FAILED').then(function (result) {
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
      return call(api, 'checkSession', {}, CHECK_GUARD_MS, 'LOGIN_FAILED').then(
        function () { return true; },
        function () { return false; });
    },

    // wx.request as a Promise of {statusCode, data, header}: every HTTP status resolves, only
    // "no response" rejects (NETWORK). statusCode is coerced: old Android sent a string.
    request: function (options) {
      var timeout = typeof options.timeout === 'number' ? options.timeout : DEFAULT_REQUEST_TIMEOUT_MS;
      return call(api, 'request', options, timeout + GRACE_MS, 'NETWORK').then(function (result) {
        return { statusCode: Number(result.statusCode), data: result.data, header: headerOf(result) };
      });
    },

    // The Sync storage calls throw on failure; callers decide what a throw means.
    readStorage: function (key) { return api.getStorageSync(key); },
    writeStorage: function (key, value) { api.setStorageSync(key, value); },
    removeStorage: function (key) { api.removeStorageSync(key); }
  };
}

module.exports = { createPlatform: createPlatform };
