'use strict';
// The public session object. It adapts the Rust core (`Core`, from the wasm) to the API in
// README: it decides which requests need the token at all, attaches it, and gives the core
// the hooks it performs its actions with. The login logic itself is all in Rust.

var LoginError = require('./errors.js').LoginError;
var Emitter = require('./events.js').Emitter;
var createPlatform = require('./platform.js').createPlatform;
var createExchange = require('./exchange.js').createExchange;
var url = require('./url.js');

function Session(config, bindings) {
  var self = this;
  this._config = config;
  this._events = new Emitter();
  this._platform = createPlatform(config.platform);
  this._core = null;
  this._ready = bindings.then(function (module) {
    self._core = new module.Core(createHooks(self), config.leewaySeconds, config.maxRelogins,
      config.checkSession, config.verify !== null);
    return self._core;
  });
  this._ready.catch(function () {}); // surfaced by each call instead
}

Object.defineProperties(Session.prototype, {
  state: { get: function () { return this._core ? this._core.state : 'no-token'; } },
  token: { get: function () { return this._core ? this._core.token || null : null; } },
  expiresAt: {
    get: function () {
      var at = this._core ? this._core.expiresAt : undefined;
      return at === undefined ? null : at;
    }
  }
});

// Runs `use(core)` now if the wasm is loaded, else once it is (or rejects as loading did).
Session.prototype._withCore = function (use) {
  return this._core ? use(this._core) : this._ready.then(use);
};

Session.prototype.start = function () {
  return this._withCore(function (core) { return core.ensureLogin(); });
};

Session.prototype.ensureLogin = Session.prototype.start;

Session.prototype.request = function (options) {
  if (options === null || typeof options !== 'object' || typeof options.url !== 'string' || !options.url) {
    return Promise.reject(new LoginError('CONFIG', 'session.request: `url` must be a non-empty string'));
  }
  if (options.success || options.fail || options.complete) {
    return Promise.reject(new LoginError('CONFIG', 'session.request returns a Promise: use .then/.catch ' +
      'instead of success/fail/complete, which would never be called'));
  }
  var prepared = Object.assign({}, options, { url: url.resolve(this._config.baseUrl, options.url) });
  var auth = prepared.auth !== false;
  delete prepared.auth;
  if (!auth || this._config.trustedOrigins.indexOf(url.originOf(prepared.url)) < 0) {
    return this._platform.request(prepared);
  }
  return this._withCore(function (core) { return core.request(prepared); });
};

Session.prototype.logout = function () {
  return Promise.resolve(this._withCore(function (core) { core.logout(); }));
};

Session.prototype.on = function (event, listener) {
  return this._events.on(event, listener);
};

function attachToken(config, options, token) {
  var attached = Object.assign({}, options);
  if (config.tokenQuery) {
    attached.url = url.withQuery(attached.url, config.tokenQuery, token);
    return attached;
  }
  var header = {};
  var name = config.tokenHeader.toLowerCase();
  Object.keys(options.header || {}).forEach(function (key) {
    if (key.toLowerCase() !== name) header[key] = options.header[key];
  });
  header[config.tokenHeader] = config.tokenScheme ? config.tokenScheme + ' ' + token : token;
  attached.header = header;
  return attached;
}

function isUnauthorized(config, response) {
  if (config.unauthorized.indexOf(response.statusCode) >= 0) return true;
  if (!config.isUnauthorized) return false;
  try {
    return config.isUnauthorized(response) === true;
  } catch (thrown) {
    return false;
  }
}

// An exception thrown into the wasm would unwind through the driver and strand a caller, so
// the async hooks turn a synchronous throw into a rejection.
function neverThrows(hook) {
  return function (first, second) {
    try {
      return hook(first, second);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  };
}

// The clock must give a number: a `now` that throws or returns garbage falls back to Date.now.
function safeClock(now) {
  return function () {
    try {
      var time = now();
      if (typeof time === 'number' && isFinite(time)) return time;
    } catch (thrown) { /* fall through */ }
    return Date.now();
  };
}

// The object the Rust driver calls (see src/platform.rs for the contract).
function createHooks(session) {
  var config = session._config;
  var platform = session._platform;
  var plainRequest = function (options) {
    return platform.request(Object.assign({}, options, { url: url.resolve(config.baseUrl, options.url) }));
  };
  var exchange = createExchange(config, plainRequest);
  return {
    now: safeClock(config.now),
    login: neverThrows(function () { return platform.login(); }),
    checkSession: neverThrows(function () { return platform.checkSession(); }),
    exchange: neverThrows(exchange),
    verify: neverThrows(function (token) {
      return platform.request(attachToken(config, {
        url: url.resolve(config.baseUrl, config.verify.url), method: config.verify.method
      }, token)).then(function (response) {
        if (isUnauthorized(config, response)) return false;
        if (response.statusCode >= 200 && response.statusCode < 300) return true;
        throw new LoginError('NETWORK', 'verify answered HTTP ' + response.statusCode);
      });
    }),
    send: neverThrows(function (options, token) {
      return platform.request(attachToken(config, options, token)).then(function (response) {
        return { response: response, unauthorized: isUnauthorized(config, response) };
      });
    }),
    readStorage: function () { return platform.readStorage(config.storageKey); },
    writeStorage: function (record) { platform.writeStorage(config.storageKey, record); },
    clearStorage: function () { platform.removeStorage(config.storageKey); },
    emit: function (event, first, second) { session._events.emit(event, first, second); },
    error: function (code, message) { return new LoginError(code, message); }
  };
}

module.exports = { Session: Session };
