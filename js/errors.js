'use strict';
// LoginError: the one error class callers see. A plain constructor rather than
// `class extends Error`, because DevTools may transpile to ES5, where subclassing Error breaks
// `instanceof`.

var CODES = ['CONFIG', 'UNSUPPORTED', 'LOGIN_FAILED', 'EXCHANGE_FAILED', 'NETWORK',
  'UNAUTHORIZED', 'STORAGE', 'LOGGED_OUT'];

function LoginError(code, message) {
  if (!(this instanceof LoginError)) return new LoginError(code, message);
  this.name = 'LoginError';
  this.code = code;
  this.message = message;
  var stack = new Error(message).stack;
  if (stack) this.stack = 'LoginError [' + code + ']: ' + message + stack.slice(stack.indexOf('\n'));
}
LoginError.prototype = Object.create(Error.prototype, {
  constructor: { value: LoginError, writable: true, configurable: true }
});
LoginError.prototype.toString = function () {
  return 'LoginError [' + this.code + ']: ' + this.message;
};
LoginError.CODES = CODES;

module.exports = { LoginError: LoginError };
