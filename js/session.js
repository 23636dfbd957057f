// The public session object, and the driver of its core: the Rust machine decides (when to log
// in, wait, retry or fail, what to store, what to tell listeners); this file performs each
// action it emits with one synchronous step and feeds every answer back with the time. JS keeps
// every JS value: the callers and their promises, request options, responses, the code and the
// token text. The core knows the token by its generation only.

import { LoginError, CODES, WARNINGS, coreError, messageOf, codeIndexOf } from './errors.js';
import { Emitter, EVENTS } from './events.js';
import { createPlatform } from './platforms/wx.js';
import { createExchange } from './exchange.js';
import * as policy from './token-policy.js';
import * as record from './storage-record.js';
import { load } from './loader.js';
import { resolve } from './url.js';
import * as core from './core.js';

// Builtins read once: in a mini program's sandboxed globals a lookup costs more than a step.
const Promise_ = Promise;
const dateNow = Date.now;
const EXCHANGE_FAILED = CODES.indexOf('EXCHANGE_FAILED');
const LOGGED_OUT = CODES.indexOf('LOGGED_OUT');
// Storage keys in use, per platform object: two sessions on one key (a session per page) share
// one record and would each log in on the other's refusals.
const keysInUse = new WeakMap();

export class Session {
  constructor(config) {
    this._config = config;
    this._events = new Emitter();
    this._platform = createPlatform(config.platform);
    this._now = safeClock(config.now);
    this._exchange = createExchange(config, (options) => this._plainRequest(options));
    this._core = null;
    this._loading = null;
    this._queue = [];        // actions taken from the core, not yet performed
    this._draining = false;
    this._waiting = [];      // callers waiting for a Release or RejectWaiting
    this._token = null;      // the text of the token of generation _generation
    this._generation = 0;
    this._code = null;       // {login, value}: wx.login's code until it is exchanged
    this._storageFailure = null; // what the last storage failure said (logout reports it)
    this._inExchange = false;    // the user's exchange hook is running its synchronous part
    this._refusedPaths = [];     // paths warned about (_warnRefusedAgain)
    this._lastFailure = null;    // the error the last failed login rejected its callers with
    this.unsettled = 0;
    this._load().catch(() => {}); // a failure is surfaced by each call, which retries
    this._claimStorageKey();
  }

  _claimStorageKey() {
    const api = this._config.platform;
    const key = this._config.storageKey;
    const keys = keysInUse.get(api) || [];
    keysInUse.set(api, keys);
    if (keys.indexOf(key) < 0) return keys.push(key);
    // Told after createSession returns, so listeners added right after it hear it.
    Promise_.resolve().then(() => this._events.emit('warning', 'another session already uses storageKey "' + key +
      '": create one in app.js and share it'));
  }

  get state() {
    return this._core ? this._core.state(this._now()) : 'no-token';
  }

  get token() {
    const state = this.state;
    return state === 'checking' || state === 'authenticated' || state === 'expired' ? this._token : null;
  }

  get expiresAt() {
    return this._core ? this._core.expiresAt() : null;
  }

  start() {
    return this._enter(null);
  }

  ensureLogin() {
    return this._enter(null);
  }

  request(options) {
    let prepared;
    try {
      prepared = prepare(this._config, options);
    } catch (error) {
      return Promise_.reject(error);
    }
    if (this._inExchange && prepared.auth) {
      return Promise_.reject(new LoginError('CONFIG', 'session.request inside `exchange` waits for that very login: ' +
        'use the `request` argument'));
    }
    return prepared.auth ? this._enter(prepared) : this._platform.request(prepared.options);
  }

  // Resolves once the token is gone from memory and storage; rejects STORAGE when storage could
  // neither remove nor overwrite it (the next launch would restore it).
  logout() {
    return this._withCore((x) => {
      this._token = null;
      this._generation = -1; // no token: a Release still queued is stale
      this._storageFailure = null;
      this._after(x.logout());
      this._drain();
      const failure = this._storageFailure;
      if (failure) throw new LoginError('STORAGE', 'logout could not clear the stored token: ' + failure);
    });
  }

  on(event, listener) {
    return this._events.on(event, listener);
  }

  // ---- loading: one core instance per session; a failed load is tried again by the next call ----

  _load() {
    if (!this._loading) {
      this._loading = load(this._config.wasmPath).then((exports) => {
        this._core = new core.Core(exports, this._config);
      }, (error) => {
        this._loading = null;
        throw error;
      });
    }
    return this._loading;
  }

  _withCore(use) {
    // A throw from `use` rejects: a Promise is promised.
    return this._core ? new Promise_((done) => done(use(this._core.x))) : this._load().then(() => use(this._core.x));
  }

  // ---- callers: a request ({options, url}) or an ensureLogin (null) ----

  _enter(prepared) {
    return new Promise_((resolve, reject) => {
      const caller = {
        options: prepared && prepared.options, url: prepared && prepared.url, resolve, reject,
        generation: 0, relogins: 0, attempt: 0, inFlight: false, done: false
      };
      this.unsettled++;
      if (this._core) return this._admit(caller);
      this._load().then(() => this._admit(caller), (error) => this._settle(caller, error));
    });
  }

  // A caller that waits joins the waiting list before the call's actions are taken, so a
  // release or rejection the call itself caused includes it.
  _admit(caller) {
    const go = this._core.x.call(this._now()) === core.GO;
    if (!go) this._waiting.push(caller);
    this._after();
    if (go) this._go(caller);
    this._drain();
  }

  // Sends the caller's next attempt with the current token, or resolves an ensureLogin.
  _go(caller) {
    if (!caller.options) return this._settle(caller, null);
    const attempt = ++caller.attempt;
    caller.generation = this._generation;
    caller.inFlight = true;
    let attached;
    try {
      attached = policy.attach(this._config, caller.options, caller.url, this._token);
    } catch (error) {
      return this._settle(caller, error);
    }
    this._platform.send(attached, (error, response) => this._answered(caller, attempt, response, error));
  }

  _answered(caller, attempt, response, error) {
    if (caller.done || caller.attempt !== attempt || !caller.inFlight) return; // a callback that fired twice
    caller.inFlight = false;
    const outcome = error ? core.NO_RESPONSE
      : policy.isUnauthorized(this._config, response) ? core.UNAUTHORIZED : core.ANSWERED;
    const next = this._core.x.response(caller.generation, caller.relogins, outcome, this._now());
    if ((next & 15) === core.RELOGIN) caller.relogins++;
    if ((next & 15) === core.RELOGIN || (next & 15) === core.WAIT) this._waiting.push(caller);
    this._after();
    switch (next & 15) {
      case core.SETTLE: this._settle(caller, null, response); break;
      case core.SEND: this._go(caller); break;
      case core.RELOGIN: case core.WAIT: break;
      default:
        if (caller.relogins && !error) this._warnRefusedAgain(caller.url);
        this._settle(caller, coreError((next >> 4) & 15, next >> 8, error && messageOf(error)));
    }
    this._drain();
  }

  // Refused again with a token minted for it: a permission problem, not the token, and each
  // such request costs a login. Said once per path, so the developer sees it.
  _warnRefusedAgain(target) {
    const path = target.split(/[?#]/)[0];
    if (this._refusedPaths.indexOf(path) >= 0) return;
    this._refusedPaths.push(path);
    this._events.emit('warning', path + ' refused a token minted for it: a permission problem? Each request there costs a login');
  }

  _settle(caller, error, value) {
    if (caller.done) return;
    caller.done = true;
    this.unsettled--;
    if (error) caller.reject(error);
    else caller.resolve(value);
  }

  // `released`: the callers that were waiting when the core decided.
  _release(generation, released) {
    // Only a logout from a listener can make a queued Release stale: those callers were waiting
    // for a login when it happened.
    const stale = generation !== this._generation && coreError(LOGGED_OUT, 0);
    for (const caller of released) {
      if (stale) this._settle(caller, stale);
      else this._go(caller);
    }
  }

  _rejectWaiting(error, rejected) {
    for (const caller of rejected) this._settle(caller, error);
  }

  // ---- the core's actions ----

  // Takes the actions the last core call left, with what JS saw that caused them (for error
  // messages), and returns that call's result. An action that settles "everyone waiting" takes
  // the waiting list as it is now: callers that a listener adds before it is performed wait for
  // the next round.
  _after(result, seen) {
    for (const action of this._core.take()) {
      action.seen = seen;
      const kind = action[0];
      if (kind === core.RELEASE || kind === core.REJECT_WAITING || kind === core.REFUSE) {
        action.callers = this._waiting;
        this._waiting = [];
      }
      this._queue.push(action);
    }
    return result;
  }

  // Performs queued actions in order. A listener that calls back into the session only queues
  // more, which this loop then performs.
  _drain() {
    if (this._draining) return;
    this._draining = true;
    try {
      while (this._queue.length) this._perform(this._queue.shift());
    } finally {
      this._draining = false;
    }
  }

  _perform(action) {
    const [kind, a, b, c] = action;
    switch (kind) {
      case core.READ_STORAGE: return this._restore();
      case core.WRITE_STORAGE: return this._store(record.encode(this._token, a, b));
      case core.CLEAR_STORAGE: return this._clear(a === 1);
      case core.WX_LOGIN: return this._wxLogin(a);
      case core.EXCHANGE: return this._exchangeCode(a);
      case core.CHECK_SESSION: return this._checkSession(a);
      case core.VERIFY: return this._verify(a);
      case core.RELEASE: return this._release(a, action.callers);
      case core.REJECT_WAITING: return this._rejectWaiting(this._lastFailure = coreError(a, b, action.seen), action.callers);
      case core.REFUSE: return this._rejectWaiting(new LoginError(CODES[a], (this._lastFailure ? this._lastFailure.message : CODES[a]) +
        ' (' + b + ' logins failed in a row; the next may start in ' + Math.ceil(c / 1000) + ' s)'), action.callers);
      case core.EMIT: return this._emit(a, b, c, action.seen);
    }
  }

  _restore() {
    const x = this._core.x;
    let stored = null;
    try {
      stored = this._platform.readStorage(this._config.storageKey);
    } catch (thrown) {
      this._after(x.storage_failed(), messageOf(thrown));
    }
    // The very token this session holds (a re-read before a re-login) is no news.
    let fields = record.decode(stored);
    if (fields && this._token !== null && fields.token === this._token) fields = null;
    const generation = this._after(fields
      ? x.restored(1, fields.tokenKind, fields.createTime, fields.expiresKind, fields.expiresIn, this._now())
      : x.restored(0, 0, 0, 0, 0, this._now()));
    if (generation) this._adopt(fields.token, generation);
  }

  // Removes the record; `refusedOnly`: only if it still holds this session's token (another
  // session on the same key may have stored a newer one).
  _clear(refusedOnly) {
    if (refusedOnly) {
      let stored = null;
      try {
        stored = this._platform.readStorage(this._config.storageKey);
      } catch (unreadable) { /* remove it, then */ }
      const fields = record.decode(stored);
      if (fields && fields.token !== this._token) return;
    }
    this._store(null);
  }

  // Writes the record, or removes it (null). A removal that throws is tried as an overwrite with
  // "" (what a missing key reads as), so the token cannot be restored either way; a throw that
  // remains is a STORAGE error event, never a failure of the caller.
  _store(value) {
    const platform = this._platform;
    const key = this._config.storageKey;
    try {
      if (value) platform.writeStorage(key, value);
      else removeOrOverwrite(platform, key);
    } catch (thrown) {
      this._storageFailure = messageOf(thrown);
      this._after(this._core.x.storage_failed(), this._storageFailure);
    }
  }

  _adopt(token, generation) {
    this._token = token;
    this._generation = generation;
  }

  _wxLogin(login) {
    const x = this._core.x;
    this._platform.login().then((code) => {
      this._code = { login, value: code };
      this._after(x.code(login, 0, this._now()));
    }, (error) => {
      this._after(x.code(login, failureOf(error), this._now()), messageOf(error));
    }).then(() => this._drain());
  }

  _exchangeCode(login) {
    const x = this._core.x;
    const code = this._code;
    this._code = null; // a code is exchanged once
    this._inExchange = true;
    let exchanging;
    try {
      exchanging = this._exchange(code.value);
    } finally {
      this._inExchange = false;
    }
    bounded(exchanging, this._config.exchangeTimeout).then((grant) => {
      const expiresIn = grant.expiresIn;
      const generation = this._after(x.exchanged(login, 0, core.tokenKind(grant.token), core.secondsKind(expiresIn),
        typeof expiresIn === 'number' ? expiresIn : 0, grant.hasSessionKey ? 1 : 0, this._now()), grant);
      if (generation) this._adopt(grant.token, generation);
    }, (error) => {
      this._after(x.exchanged(login, failureOf(error), 0, 0, 0, 0, this._now()), messageOf(error));
    }).then(() => this._drain());
  }

  _checkSession(check) {
    this._platform.checkSession().then((alive) => {
      this._after(this._core.x.checked(check, alive ? 1 : 0, this._now()));
      this._drain();
    });
  }

  _verify(check) {
    const config = this._config;
    const target = resolve(config.baseUrl, config.verify.url);
    let ask;
    try {
      ask = this._platform.request(policy.attach(config, { url: target, method: config.verify.method, header: {} }, target, this._token));
    } catch (error) {
      ask = Promise_.reject(error);
    }
    ask.then((response) => {
      if (policy.isUnauthorized(config, response)) return core.INVALID;
      return response.statusCode >= 200 && response.statusCode < 300 ? core.VALID : core.UNKNOWN;
    }, () => core.UNKNOWN) // no answer: local expiry and 401s still judge the token
      .then((verdict) => {
        this._after(this._core.x.verified(check, verdict, this._now()));
        this._drain();
      });
  }

  // The exchange's own requests: resolved against baseUrl, never with the token; bad options
  // reject CONFIG rather than throw into the user's hook.
  _plainRequest(options) {
    let copy;
    try {
      copy = Object.assign({}, options);
    } catch (thrown) {
      copy = null;
    }
    if (!copy || options === null || typeof options !== 'object' || typeof copy.url !== 'string' || !copy.url) {
      return Promise_.reject(new LoginError('CONFIG', 'exchange: `request` takes wx.request options with a `url`'));
    }
    copy.url = resolve(this._config.baseUrl, copy.url);
    return this._platform.request(copy);
  }

  _emit(index, b, c, seen) {
    const name = EVENTS[index];
    const events = this._events;
    if (name === 'state') events.emit(name, core.STATES[b], core.STATES[c]);
    else if (name === 'error') events.emit(name, coreError(b, c, seen));
    else if (name === 'warning') events.emit(name, WARNINGS[b]);
    else events.emit(name);
  }
}

// ---- helpers ----

// The caller's options, read once (a throwing getter or Proxy rejects here, as CONFIG), with
// the url resolved: {options, url, auth}; `auth` says whether the token goes with them.
function prepare(config, options) {
  if (options === null || typeof options !== 'object') {
    throw new LoginError('CONFIG', 'session.request: `url` must be a non-empty string');
  }
  let copy;
  let auth;
  try {
    copy = policy.own(options);
    auth = options.auth;
  } catch (thrown) {
    throw new LoginError('CONFIG', 'session.request: reading the options threw: ' + messageOf(thrown));
  }
  if (typeof copy.url !== 'string' || !copy.url) {
    throw new LoginError('CONFIG', 'session.request: `url` must be a non-empty string');
  }
  if (auth !== undefined && typeof auth !== 'boolean') {
    throw new LoginError('CONFIG', 'session.request: `auth` must be true or false');
  }
  if (copy.success || copy.fail || copy.complete) {
    throw new LoginError('CONFIG', 'session.request returns a Promise: success/fail/complete would never be called');
  }
  const target = copy.url = resolve(config.baseUrl, copy.url);
  return { options: copy, url: target, auth: auth !== false && policy.carriesToken(config, target) };
}

// An exchange (the login endpoint or the user's hook) that never settles must not hold every
// caller forever.
function bounded(exchanging, limitMs) {
  return new Promise_((resolve, reject) => {
    const timer = setTimeout(() => reject(new LoginError('EXCHANGE_FAILED', 'no answer within ' + limitMs +
      ' ms (exchangeTimeout); inside `exchange`, use the `request` argument, not session.request')), limitMs);
    exchanging.then((grant) => { clearTimeout(timer); resolve(grant); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

function removeOrOverwrite(platform, key) {
  try {
    platform.removeStorage(key);
  } catch (removeFailed) {
    platform.writeStorage(key, '');
  }
}

// A failure JS caught, as the core takes it: its code's index + 1 (0 means success).
function failureOf(error) {
  const index = codeIndexOf(error);
  return (index >= 0 ? index : EXCHANGE_FAILED) + 1;
}

// The clock must give a number: a `now` that throws or returns garbage falls back to Date.now.
function safeClock(now) {
  return () => {
    try {
      const time = now();
      if (typeof time === 'number' && time - time === 0) return time; // finite: NaN and ±Infinity fail
    } catch (thrown) { /* fall through */ }
    return dateNow();
  };
}
