// The wasm core of one session, seen from JS: plain calls with numbers in and a number out,
// and the actions each call caused, read from the instance's memory (see src/seam.rs, which
// numbers everything below the same way).

export var STATES = ['no-token', 'checking', 'logging-in', 'authenticated', 'expired'];

// Action kinds.
export const READ_STORAGE = 0;
export const WRITE_STORAGE = 1;
export const CLEAR_STORAGE = 2;
export const WX_LOGIN = 3;
export const EXCHANGE = 4;
export const CHECK_SESSION = 5;
export const VERIFY = 6;
export const RELEASE = 7;
export const REJECT_WAITING = 8;
export const EMIT = 9;
export const REFUSE = 10;

// What `call()` and `response()` decide, the latter in its low four bits (then code, detail).
export const GO = 0;
export const SETTLE = 0;
export const SEND = 1;
export const WAIT = 2;
export const RELOGIN = 3;

// A request's outcome, and the verify request's verdict.
export const ANSWERED = 0;
export const UNAUTHORIZED = 1;
export const NO_RESPONSE = 2;
export const VALID = 0;
export const INVALID = 1;
export const UNKNOWN = 2;

const ACTION_SLOTS = 4;
const NONE = [];

// How a token field and an expires_in field are told to the core. A token must be able to
// travel in a header for its whole life: printable Latin-1, at most 8192 characters, and not
// the text of a missing value.
const SENDABLE = /^[\x20-\x7e\xa0-\xff]{1,8192}$/;

export function tokenKind(value) {
  if (typeof value !== 'string') return 2; // not text
  if (!value) return 1; // empty
  return SENDABLE.test(value) && value !== 'undefined' && value !== 'null' ? 0 : 3; // text, unsendable
}

export function secondsKind(value) {
  return value === undefined || value === null ? 0 : typeof value === 'number' ? 1 : 2; // missing, number, other
}

export class Core {
  // exports: the instance's exports; config: the normalized session config.
  constructor(exports, config) {
    this.x = exports;
    this.outboxAt = exports.init(config.leewaySeconds, config.maxRelogins,
      config.checkSession ? 1 : 0, config.verify ? 1 : 0);
    this.view = null;
  }

  // The actions the last call left, as [kind, a, b, c] arrays (usually none).
  take() {
    let view = this.view;
    const buffer = this.x.memory.buffer;
    if (!view || view.buffer !== buffer) view = this.view = new Float64Array(buffer, this.outboxAt);
    const count = view[0];
    if (!count) return NONE;
    const actions = [];
    for (let i = 0; i < count; i++) {
      const at = 1 + i * ACTION_SLOTS;
      actions.push([view[at], view[at + 1], view[at + 2], view[at + 3]]);
    }
    return actions;
  }

  state(now) {
    return STATES[this.x.state(now)];
  }

  expiresAt() {
    const at = this.x.expires_at();
    return at === at ? at : null; // NaN: no token, or no local expiry
  }
}
