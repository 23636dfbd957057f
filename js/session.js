'use strict';
// The public session object, and the driver of its core: the Rust machine decides (when to log
// in, wait, retry or fail, what to store, what to tell listeners); this file performs each
// action it emits with one synchronous step and feeds every answer back with the time. JS keeps
// every JS value: the callers and their promises, request options, responses, the code and the
// token text. The core knows the token by its generation only.

var errors = require('./errors.js');
var LoginError = errors.LoginError;
var Emitter = require('./events.js').Emitter;
var EVENTS = require('./events.js').EVENTS;
var createPlatform = require('./platforms/wx.js').createPlatform;
var createExchange = require('./exchange.js').createExchange;
var policy = require('./token-policy.js');
var record = require('./storage-record.js');
var load = require('./loader.js').load;
var url = require('./url.js');
var core = require('./core.js');

var Promise_ = Promise; // builtins read once: a global lookup costs more than the rest of a request step
var A = core.ACTIONS;
var NEXT = core.NEXT;
var OUTCOME = core.OUTCOME;
var VERDICT = core.VERDICT;
var EXCHANGE_FAILED = errors.CODES.indexOf('EXCHANGE_FAILED');
var LOGGED_OUT = errors.CODES.indexOf('LOGGED_OUT');

function Session(config) {
  this._config = config;
  this._events = new Emitter();
  this._platform = createPlatform(config.platform);
  this._now = safeClock(config.now);
  this._exchange = createExchange(config, this._plainRequest.bind(this));
  this._core = null;
  this._loading = null;
  this._queue = [];        // actions taken from the core, not yet performed
  this._draining = false;
  this._waiting = [];      // callers waiting for a Release or RejectWaiting
  this._token = null;      // the text of the token of generation _generation
  this._generation = 0;
  this._code = null;       // {login, value}: wx.login's code until it is exchanged
  this.unsettled = 0;
  this._load().catch(function () {}); // a failure is surfaced by each call, which retries
}

Object.defineProperties(Session.prototype, {
  state: { get: function () { return this._core ? this._core.state(this._now()) : 'no-token'; } },
  token: {
    get: function () {
      var state = this.state;
      return state === 'checking' || state === 'authenticated' || state === 'expired' ? this._token : null;
    }
  },
  expiresAt: { get: function () { return this._core ? this._core.expiresAt() : null; } }
});

Session.prototype.start = function () {
  return this._enter(null);
};

Session.prototype.ensureLogin = Session.prototype.start;

Session.prototype.request = function (options) {
  var prepared;
  try {
    prepared = prepare(this._config, options);
  } catch (error) {
    return Promise_.reject(error);
  }
  return prepared.auth ? this._enter(prepared) : this._platform.request(prepared.options);
};

Session.prototype.logout = function () {
  var self = this;
  return this._withCore(function (x) {
    self._token = null;
    self._generation = -1; // no token: a Release still queued is stale
    self._after(x.logout());
    self._drain();
  });
};

Session.prototype.on = function (event, listener) {
  return this._events.on(event, listener);
};

// ---- loading: one core instance per session; a failed load is tried again by the next call ----

Session.prototype._load = function () {
  var self = this;
  if (!this._loading) {
    this._loading = load(this._config.wasmPath).then(function (exports) {
      self._core = new core.Core(exports, self._config);
    }, function (error) {
      self._loading = null;
      throw error;
    });
  }
  return this._loading;
};

Session.prototype._withCore = function (use) {
  var self = this;
  return this._core ? Promise.resolve(use(this._core.x)) : this._load().then(function () { return use(self._core.x); });
};

// ---- callers: a request ({options}) or an ensureLogin (options null) ----

// prepared: {options, url} of a request, or null for an ensureLogin.
Session.prototype._enter = function (prepared) {
  var self = this;
  return new Promise_(function (resolve, reject) {
    var caller = {
      options: prepared && prepared.options, url: prepared && prepared.url, resolve: resolve, reject: reject,
      generation: 0, relogins: 0, attempt: 0, inFlight: false, done: false
    };
    self.unsettled++;
    if (self._core) return self._admit(caller);
    self._load().then(function () { self._admit(caller); }, function (error) { self._settle(caller, error); });
  });
};

Session.prototype._admit = function (caller) {
  if (this._after(this._core.x.call(this._now())) === 0) this._go(caller);
  else this._waiting.push(caller);
  this._drain();
};

// Sends the caller's next attempt with the current token, or resolves an ensureLogin.
Session.prototype._go = function (caller) {
  if (!caller.options) return this._settle(caller, null);
  var self = this;
  var attempt = ++caller.attempt;
  caller.generation = this._generation;
  caller.inFlight = true;
  var attached;
  try {
    attached = policy.attach(this._config, caller.options, caller.url, this._token);
  } catch (error) {
    return this._settle(caller, error);
  }
  this._platform.send(attached, function (error, response) {
    self._answered(caller, attempt, response, error);
  });
};

Session.prototype._answered = function (caller, attempt, response, error) {
  if (caller.done || caller.attempt !== attempt || !caller.inFlight) return; // a callback that fired twice
  caller.inFlight = false;
  var outcome = error ? OUTCOME.NO_RESPONSE
    : policy.isUnauthorized(this._config, response) ? OUTCOME.UNAUTHORIZED : OUTCOME.ANSWERED;
  var next = this._after(this._core.x.response(caller.generation, caller.relogins, outcome, this._now()));
  switch (next & 15) {
    case NEXT.SETTLE: this._settle(caller, null, response); break;
    case NEXT.SEND: this._go(caller); break;
    case NEXT.RELOGIN: caller.relogins++; this._waiting.push(caller); break;
    case NEXT.WAIT: this._waiting.push(caller); break;
    default: this._settle(caller, errors.coreError((next >> 4) & 15, next >> 8, error && errors.messageOf(error)));
  }
  this._drain();
};

Session.prototype._settle = function (caller, error, value) {
  if (caller.done) return;
  caller.done = true;
  this.unsettled--;
  if (error) caller.reject(error);
  else caller.resolve(value);
};

Session.prototype._release = function (generation) {
  var released = this._waiting;
  this._waiting = [];
  // Only a logout from a listener can make a queued Release stale: those callers were waiting
  // for a login when it happened.
  var stale = generation !== this._generation && errors.coreError(LOGGED_OUT, 0);
  for (var i = 0; i < released.length; i++) {
    if (stale) this._settle(released[i], stale);
    else this._go(released[i]);
  }
};

Session.prototype._rejectWaiting = function (error) {
  var rejected = this._waiting;
  this._waiting = [];
  for (var i = 0; i < rejected.length; i++) this._settle(rejected[i], error);
};

// ---- the core's actions ----

// Takes the actions the last core call left, with what JS saw that caused them (for error
// messages), and returns that call's result.
Session.prototype._after = function (result, seen) {
  var actions = this._core.take();
  for (var i = 0; i < actions.length; i++) {
    actions[i].seen = seen;
    this._queue.push(actions[i]);
  }
  return result;
};

// Performs queued actions in order. A listener that calls back into the session only queues
// more, which this loop then performs.
Session.prototype._drain = function () {
  if (this._draining) return;
  this._draining = true;
  try {
    while (this._queue.length) this._perform(this._queue.shift());
  } finally {
    this._draining = false;
  }
};

Session.prototype._perform = function (action) {
  var a = action[1];
  switch (action[0]) {
    case A.READ_STORAGE: return this._restore();
    case A.WRITE_STORAGE: return this._store(record.encode(this._token, a, action[2]));
    case A.CLEAR_STORAGE: return this._store(null);
    case A.WX_LOGIN: return this._wxLogin(a);
    case A.EXCHANGE: return this._exchangeCode(a);
    case A.CHECK_SESSION: return this._checkSession(a);
    case A.VERIFY: return this._verify(a);
    case A.RELEASE: return this._release(a);
    case A.REJECT_WAITING: return this._rejectWaiting(errors.coreError(a, action[2], action.seen));
    default: return this._emit(a, action[2], action[3], action.seen);
  }
};

Session.prototype._restore = function () {
  var x = this._core.x;
  var stored = null;
  try {
    stored = this._platform.readStorage(this._config.storageKey);
  } catch (thrown) {
    this._after(x.storage_failed(), errors.messageOf(thrown));
  }
  var fields = record.decode(stored);
  var generation = fields
    ? x.restored(1, fields.tokenKind, fields.createTime, fields.expiresKind, fields.expiresIn, this._now())
    : x.restored(0, 0, 0, 0, 0, this._now());
  this._after(generation);
  if (generation) this._adopt(fields.token, generation);
};

// Writes the record, or removes it (null); a throw is a STORAGE error event, never a failure.
Session.prototype._store = function (value) {
  var platform = this._platform;
  var key = this._config.storageKey;
  try {
    if (value) platform.writeStorage(key, value);
    else platform.removeStorage(key);
  } catch (thrown) {
    this._after(this._core.x.storage_failed(), errors.messageOf(thrown));
  }
};

Session.prototype._adopt = function (token, generation) {
  this._token = token;
  this._generation = generation;
};

Session.prototype._wxLogin = function (login) {
  var self = this;
  var x = this._core.x;
  this._platform.login().then(function (code) {
    self._code = { login: login, value: code };
    self._after(x.code(login, 0));
  }, function (error) {
    self._after(x.code(login, failureOf(error)), errors.messageOf(error));
  }).then(function () { self._drain(); });
};

Session.prototype._exchangeCode = function (login) {
  var self = this;
  var x = this._core.x;
  var code = this._code;
  this._code = null; // a code is exchanged once
  this._exchange(code.value).then(function (grant) {
    var expiresIn = grant.expiresIn;
    var generation = self._after(x.exchanged(login, 0, core.tokenKind(grant.token), core.secondsKind(expiresIn),
      typeof expiresIn === 'number' ? expiresIn : 0, grant.hasSessionKey ? 1 : 0, self._now()), grant);
    if (generation) self._adopt(grant.token, generation);
  }, function (error) {
    self._after(x.exchanged(login, failureOf(error), 0, 0, 0, 0, self._now()), errors.messageOf(error));
  }).then(function () { self._drain(); });
};

Session.prototype._checkSession = function (check) {
  var self = this;
  this._platform.checkSession().then(function (alive) {
    self._after(self._core.x.checked(check, alive ? 1 : 0, self._now()));
    self._drain();
  });
};

Session.prototype._verify = function (check) {
  var self = this;
  var config = this._config;
  var ask;
  var target = url.resolve(config.baseUrl, config.verify.url);
  try {
    ask = this._platform.request(policy.attach(config, { url: target, method: config.verify.method, header: {} }, target, this._token));
  } catch (error) {
    ask = Promise.reject(error);
  }
  ask.then(function (response) {
    if (policy.isUnauthorized(config, response)) return VERDICT.INVALID;
    return response.statusCode >= 200 && response.statusCode < 300 ? VERDICT.VALID : VERDICT.UNKNOWN;
  }, function () {
    return VERDICT.UNKNOWN; // no answer: local expiry and 401s still judge the token
  }).then(function (verdict) {
    self._after(self._core.x.verified(check, verdict, self._now()));
    self._drain();
  });
};

Session.prototype._emit = function (index, b, c, seen) {
  var name = EVENTS[index];
  var events = this._events;
  if (name === 'state') events.emit(name, core.STATES[b], core.STATES[c]);
  else if (name === 'error') events.emit(name, errors.coreError(b, c, seen));
  else if (name === 'warning') events.emit(name, errors.WARNINGS[b]);
  else events.emit(name);
};

// The exchange's own requests: resolved against baseUrl, never with the token.
Session.prototype._plainRequest = function (options) {
  return this._platform.request(Object.assign({}, options, { url: url.resolve(this._config.baseUrl, options.url) }));
};

// ---- helpers ----

// The caller's options, read once (a throwing getter or Proxy rejects here, as CONFIG), with
// the url resolved: {options, url, auth}; `auth` says whether the token goes with them.
function prepare(config, options) {
  if (options === null || typeof options !== 'object') {
    throw new LoginError('CONFIG', 'session.request: `url` must be a non-empty string');
  }
  var copy;
  var auth;
  try {
    copy = policy.own(options);
    auth = options.auth !== false;
  } catch (thrown) {
    throw new LoginError('CONFIG', 'session.request: reading the options threw: ' + errors.messageOf(thrown));
  }
  if (typeof copy.url !== 'string' || !copy.url) {
    throw new LoginError('CONFIG', 'session.request: `url` must be a non-empty string');
  }
  if (copy.success || copy.fail || copy.complete) {
    throw new LoginError('CONFIG', 'session.request returns a Promise: use .then/.catch ' +
      'instead of success/fail/complete, which would never be called');
  }
  var target = copy.url = url.resolve(config.baseUrl, copy.url);
  return { options: copy, url: target, auth: auth && policy.carriesToken(config, target) };
}

// A failure JS caught, as the core takes it: its code's index + 1 (0 means success).
function failureOf(error) {
  var index = errors.codeIndexOf(error);
  return (index >= 0 ? index : EXCHANGE_FAILED) + 1;
}

// The clock must give a number: a `now` that throws or returns garbage falls back to Date.now.
function safeClock(now) {
  var dateNow = Date.now;
  return function () {
    try {
      var time = now();
      if (typeof time === 'number' && time - time === 0) return time; // finite: NaN and ±Infinity fail
    } catch (thrown) { /* fall through */ }
    return dateNow();
  };
}

module.exports = { Session: Session };
