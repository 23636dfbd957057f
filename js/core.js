'use strict';
// The wasm core of one session, seen from JS: plain calls with numbers in and a number out,
// and the actions each call caused, read from the instance's memory (see src/seam.rs).

var STATES = ['no-token', 'checking', 'logging-in', 'authenticated', 'expired'];
var ACTION_SLOTS = 4;

// Action kinds, as src/seam.rs numbers them.
var ACTIONS = {
  READ_STORAGE: 0, WRITE_STORAGE: 1, CLEAR_STORAGE: 2, WX_LOGIN: 3, EXCHANGE: 4,
  CHECK_SESSION: 5, VERIFY: 6, RELEASE: 7, REJECT_WAITING: 8, EMIT: 9
};
// What `response()` decides, in its low four bits.
var NEXT = { SETTLE: 0, SEND: 1, WAIT: 2, RELOGIN: 3, FAIL: 4 };
var OUTCOME = { ANSWERED: 0, UNAUTHORIZED: 1, NO_RESPONSE: 2 };
var VERDICT = { VALID: 0, INVALID: 1, UNKNOWN: 2 };
// How JS classifies a token field and an expires_in field for the core.
var TOKEN = { TEXT: 0, EMPTY: 1, NOT_TEXT: 2 };
var SECONDS = { MISSING: 0, NUMBER: 1, NOT_NUMBER: 2 };

function tokenKind(value) {
  return typeof value !== 'string' ? TOKEN.NOT_TEXT : value ? TOKEN.TEXT : TOKEN.EMPTY;
}

function secondsKind(value) {
  return value === undefined || value === null ? SECONDS.MISSING
    : typeof value === 'number' ? SECONDS.NUMBER : SECONDS.NOT_NUMBER;
}

// exports: the instance's exports; config: the normalized session config.
function Core(exports, config) {
  this.x = exports;
  this.outboxAt = exports.init(config.leewaySeconds, config.maxRelogins,
    config.checkSession ? 1 : 0, config.verify ? 1 : 0);
  this.view = null;
}

var NONE = [];

// The actions the last call left, as [kind, a, b, c] arrays (usually none).
Core.prototype.take = function () {
  var view = this.view;
  if (!view || view.buffer !== this.x.memory.buffer) view = this.view = new Float64Array(this.x.memory.buffer, this.outboxAt);
  var count = view[0];
  if (!count) return NONE;
  var actions = [];
  for (var i = 0; i < count; i++) {
    var at = 1 + i * ACTION_SLOTS;
    actions.push([view[at], view[at + 1], view[at + 2], view[at + 3]]);
  }
  return actions;
};

Core.prototype.state = function (now) {
  return STATES[this.x.state(now)];
};

Core.prototype.expiresAt = function () {
  var at = this.x.expires_at();
  return at === at ? at : null; // NaN: no token, or no local expiry
};

module.exports = {
  Core: Core, STATES: STATES, ACTIONS: ACTIONS, NEXT: NEXT, OUTCOME: OUTCOME, VERDICT: VERDICT,
  tokenKind: tokenKind, secondsKind: secondsKind, SECONDS: SECONDS
};
