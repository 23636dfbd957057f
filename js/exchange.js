// Turning a wx.login code into a token: either the configured login endpoint, or the user's
// `exchange` hook for multi-step flows. Either way the result is handed to the core UNVALIDATED
// ({token, expiresIn, hasSessionKey}); the core decides what is acceptable.

import { LoginError } from './errors.js';

// Own properties only: an answer's prototype is not part of it.
function pick(data, path) {
  return path.split('.').reduce(function (value, key) {
    return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
  }, data);
}

function parentOf(data, path) {
  var keys = path.split('.');
  return keys.length > 1 ? pick(data, keys.slice(0, -1).join('.')) : data;
}

function hasSessionKey(object) {
  return object !== null && typeof object === 'object' &&
    (Object.prototype.hasOwnProperty.call(object, 'session_key') ||
     Object.prototype.hasOwnProperty.call(object, 'sessionKey'));
}

// What a failed login answer says: its status and error code, never the server's prose (a
// message can carry what it should not, a session_key say).
function describeFailure(response) {
  var data = response.data;
  var detail = '';
  if (data !== null && typeof data === 'object') {
    var code = data.errcode !== undefined ? data.errcode : data.errCode !== undefined ? data.errCode : data.code;
    if (typeof code === 'number' || (typeof code === 'string' && /^-?\w{1,20}$/.test(code))) detail = ' errcode ' + code;
  }
  return 'the login endpoint answered HTTP ' + response.statusCode + detail;
}

// plainRequest(options) -> Promise<{statusCode, data, header}>, never with the token.
function createExchange(config, plainRequest) {
  if (config.exchange) {
    // The hook is called synchronously (a throw becomes a rejection), so the session can tell
    // a session.request made inside it.
    return function (code) {
      var pending;
      try {
        pending = Promise.resolve(config.exchange(code, plainRequest));
      } catch (thrown) {
        pending = Promise.reject(thrown);
      }
      return pending.then(function (result) {
          if (result === null || typeof result !== 'object') {
            throw new LoginError('EXCHANGE_FAILED', '`exchange` must resolve to {token, expiresIn}, got ' +
              (result === null ? 'null' : typeof result));
          }
          return { token: result.token, expiresIn: result.expiresIn, hasSessionKey: hasSessionKey(result) };
        });
    };
  }
  var login = config.login;
  return function (code) {
    var data = {};
    data[login.codeField] = code;
    return plainRequest({ url: login.url, method: login.method, data: data }).then(function (response) {
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new LoginError('EXCHANGE_FAILED', describeFailure(response));
      }
      var body = response.data;
      if (body === null || typeof body !== 'object') {
        throw new LoginError('EXCHANGE_FAILED', 'the login endpoint answered HTTP ' + response.statusCode +
          ' with a ' + (typeof body) + ' body instead of a JSON object');
      }
      return {
        token: pick(body, login.tokenPath),
        expiresIn: login.expiresInPath === null ? undefined : pick(body, login.expiresInPath),
        hasSessionKey: hasSessionKey(body) || hasSessionKey(parentOf(body, login.tokenPath))
      };
    });
  };
}

export { createExchange };
