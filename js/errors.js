// LoginError: the one error class callers see, with a stable `.code`. Each one is a real Error
// object (Object.prototype.toString gives [object Error], so cross-realm checks and error
// reporters see an error) whose prototype is LoginError's: `instanceof LoginError` and
// `instanceof Error` hold, also after DevTools transpiles to ES5, where `class extends Error`
// would break.

// The order is the wire format: src/core/error.rs numbers the codes by their index here.
var CODES = ['CONFIG', 'UNSUPPORTED', 'LOGIN_FAILED', 'EXCHANGE_FAILED', 'NETWORK',
  'UNAUTHORIZED', 'STORAGE', 'LOGGED_OUT'];

// What each code says before the detail; `UNAUTHORIZED` and `LOGGED_OUT` need no detail.
var PREFIXES = {
  LOGIN_FAILED: 'wx.login failed: ',
  EXCHANGE_FAILED: 'token exchange failed: ',
  NETWORK: 'request failed without a response: ',
  STORAGE: 'storage failed: '
};

// The core's verdicts on a login answer (ExchangeProblem in src/core/error.rs); 0, "refused",
// is a failure JS saw and words itself. The two about a field's type say what JS found there.
var EXCHANGE_PROBLEMS = [null,
  'the token must be a string',
  'the token is an empty string',
  'expires_in must be a number of seconds',
  'expires_in must be more than 0 seconds',
  'expires_in is more than ten years: a date or milliseconds instead of seconds?',
  'the token cannot travel in a header (control or non-Latin-1 characters, "undefined"/"null", over 8192 long)'];
var FOUND = { 1: 'token', 3: 'expiresIn' };

function kindOf(value) {
  if (value === undefined || value === null) return 'missing';
  return value !== value ? 'NaN' : typeof value;
}

// Warning in src/core/interface.rs.
var WARNINGS = ['session_key in the login response was dropped: keep it on the server'];


function LoginError(code, message) {
  var error = new Error(message);
  Object.setPrototypeOf(error, LoginError.prototype);
  Object.defineProperty(error, 'code', { value: code, enumerable: true });
  if (typeof error.stack === 'string') {
    error.stack = 'LoginError [' + code + ']: ' + message + error.stack.slice(error.stack.indexOf('\n'));
  }
  return error;
}
LoginError.prototype = Object.create(Error.prototype, {
  constructor: { value: LoginError, writable: true, configurable: true },
  name: { value: 'LoginError', writable: true, configurable: true }
});
LoginError.prototype.toString = function () {
  return 'LoginError [' + this.code + ']: ' + this.message;
};
LoginError.CODES = CODES;

// The error the core decided, as (code index, detail): `seen` is what JS saw that caused it:
// the words of the failure it caught, or the login answer the core refused.
function coreError(codeIndex, detail, seen) {
  var code = CODES[codeIndex];
  if (code === 'UNAUTHORIZED') return new LoginError(code, 'still unauthorized after ' + detail + ' re-login(s)');
  if (code === 'LOGGED_OUT') return new LoginError(code, 'logged out while the request waited for a login');
  var words = code === 'EXCHANGE_FAILED' && detail
    ? EXCHANGE_PROBLEMS[detail] + (FOUND[detail] ? ', got ' + kindOf(seen[FOUND[detail]]) : '')
    : seen || 'unknown error';
  return new LoginError(code, PREFIXES[code] + words);
}

// What a caught value says, and the code it carries (its index in CODES, or -1).
function messageOf(thrown) {
  if (thrown && typeof thrown.errMsg === 'string') return thrown.errMsg;
  if (thrown && typeof thrown.message === 'string') return thrown.message;
  return String(thrown);
}

function codeIndexOf(thrown) {
  return thrown instanceof LoginError ? CODES.indexOf(thrown.code) : -1;
}

export { LoginError, CODES, WARNINGS, coreError, messageOf, codeIndexOf };
