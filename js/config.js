// createSession's options: checked once, here, with errors that name the field; every default
// lives in DEFAULTS.

import { LoginError } from './errors.js';
import * as url from './url.js';
var originOf = url.originOf;
import { carriesToken } from './token-policy.js';

var DEFAULT_LOGIN = { url: '/login', method: 'POST', codeField: 'code', tokenPath: 'token', expiresInPath: 'expires_in' };
var DEFAULTS = {
  baseUrl: undefined,
  allowedOrigins: [],
  login: DEFAULT_LOGIN,
  exchange: null,
  tokenHeader: 'Authorization',
  tokenScheme: 'Bearer',
  tokenQuery: null,
  storageKey: 'mp-login:session',
  leewaySeconds: 60,
  checkSession: true,
  verify: null,
  unauthorized: [401],
  isUnauthorized: null,
  maxRelogins: 1,
  exchangeTimeout: 60000,
  platform: undefined,
  now: undefined,
  wasmPath: '/miniprogram_npm/mp-login/mp_login.wasm.br'
};
var METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
var PLATFORM_CALLS = ['login', 'request', 'getStorageSync', 'setStorageSync', 'removeStorageSync'];

function fail(field, expected, value) {
  var got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  if (typeof value === 'string') got = JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number') got = String(value);
  throw new LoginError('CONFIG', 'createSession: `' + field + '` must be ' + expected + ', got ' + got);
}

function own(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkKeys(object, allowed, prefix) {
  Object.keys(object).forEach(function (key) {
    if (!Object.prototype.hasOwnProperty.call(allowed, key)) {
      throw new LoginError('CONFIG', 'createSession: unknown option `' + prefix + key + '` (known: ' +
        Object.keys(allowed).join(', ') + ')');
    }
  });
}

function string(field, value, allowEmpty) {
  if (typeof value !== 'string' || (!allowEmpty && !value)) fail(field, allowEmpty ? 'a string' : 'a non-empty string', value);
  return value;
}

function optionalFunction(field, value) {
  if (value !== null && value !== undefined && typeof value !== 'function') fail(field, 'a function', value);
  return value || null;
}

function httpOrigin(field, value) {
  var origin = typeof value === 'string' ? originOf(value) : null;
  if (!origin) fail(field, 'an absolute http(s) URL', value);
  return origin;
}

function login(value) {
  if (!isPlainObject(value)) fail('login', 'an object', value);
  checkKeys(value, DEFAULT_LOGIN, 'login.');
  var merged = Object.assign({}, DEFAULT_LOGIN, value); // own properties only
  string('login.url', merged.url);
  merged.method = string('login.method', merged.method).toUpperCase();
  if (METHODS.indexOf(merged.method) < 0) fail('login.method', 'one of ' + METHODS.join(', '), value.method);
  string('login.codeField', merged.codeField);
  string('login.tokenPath', merged.tokenPath);
  if (merged.expiresInPath !== null) string('login.expiresInPath', merged.expiresInPath);
  return merged;
}

function verify(value) {
  if (value === null || value === undefined) return null;
  if (!isPlainObject(value)) fail('verify', 'null or an object {url, method}', value);
  checkKeys(value, { url: 1, method: 1 }, 'verify.');
  var method = string('verify.method', own(value, 'method') === undefined ? 'GET' : value.method).toUpperCase();
  if (METHODS.indexOf(method) < 0) fail('verify.method', 'one of ' + METHODS.join(', '), value.method);
  return { url: string('verify.url', own(value, 'url')), method: method };
}

function platform(value) {
  var api = value;
  if (api === undefined) {
    api = typeof wx === 'object' ? wx : typeof tt === 'object' ? tt : typeof qq === 'object' ? qq
      : typeof swan === 'object' ? swan : undefined;
    if (!api) fail('platform', 'given outside a mini program (no global wx, tt, qq or swan)', value);
  }
  if (!api || (typeof api !== 'object' && typeof api !== 'function')) fail('platform', 'a wx-shaped object', value);
  PLATFORM_CALLS.forEach(function (name) {
    if (typeof api[name] !== 'function') fail('platform.' + name, 'a function', api[name]);
  });
  return api;
}

// Returns the complete, checked configuration or throws LoginError('CONFIG'). Only the options'
// own properties count: an inherited one (a polluted Object.prototype) must not route the token.
function normalize(given_) {
  if (!isPlainObject(given_)) fail('options', 'an object', given_);
  checkKeys(given_, DEFAULTS, '');
  var options = Object.assign({}, given_);
  if (own(options, 'login') !== undefined && own(options, 'exchange') !== undefined && own(options, 'exchange') !== null) {
    throw new LoginError('CONFIG', 'createSession: give `login` or `exchange`, not both');
  }
  var given = function (key) { return own(options, key) === undefined ? DEFAULTS[key] : options[key]; };
  var config = {};
  config.baseUrl = string('baseUrl', own(options, 'baseUrl'));
  config.origin = httpOrigin('baseUrl', own(options, 'baseUrl'));
  var allowed = given('allowedOrigins');
  if (!Array.isArray(allowed)) fail('allowedOrigins', 'an array of origins', allowed);
  config.trustedOrigins = [config.origin].concat(allowed.map(function (origin, i) {
    return httpOrigin('allowedOrigins[' + i + ']', origin);
  }));
  config.login = login(given('login'));
  config.exchange = optionalFunction('exchange', own(options, 'exchange'));
  config.tokenHeader = string('tokenHeader', given('tokenHeader'));
  config.tokenHeaderLower = config.tokenHeader.toLowerCase();
  config.tokenScheme = string('tokenScheme', given('tokenScheme'), true);
  config.tokenQuery = given('tokenQuery');
  if (config.tokenQuery !== null) string('tokenQuery', config.tokenQuery);
  config.storageKey = string('storageKey', given('storageKey'));
  config.leewaySeconds = given('leewaySeconds');
  if (typeof config.leewaySeconds !== 'number' || !(config.leewaySeconds >= 0) || !isFinite(config.leewaySeconds)) {
    fail('leewaySeconds', 'a finite number >= 0', config.leewaySeconds);
  }
  config.checkSession = given('checkSession');
  if (typeof config.checkSession !== 'boolean') fail('checkSession', 'a boolean', config.checkSession);
  config.verify = verify(own(options, 'verify'));
  if (config.verify && !carriesToken(config, url.resolve(config.baseUrl, config.verify.url))) {
    throw new LoginError('CONFIG', 'createSession: `verify.url` must be on baseUrl\'s origin or in allowedOrigins: ' +
      'the token is sent there');
  }
  config.unauthorized = given('unauthorized');
  if (!Array.isArray(config.unauthorized) || !config.unauthorized.every(isStatus)) {
    fail('unauthorized', 'an array of HTTP status codes', config.unauthorized);
  }
  config.isUnauthorized = optionalFunction('isUnauthorized', own(options, 'isUnauthorized'));
  config.maxRelogins = given('maxRelogins');
  if (typeof config.maxRelogins !== 'number' || config.maxRelogins % 1 !== 0 || config.maxRelogins < 0 || config.maxRelogins > 10) {
    fail('maxRelogins', 'a whole number from 0 to 10', config.maxRelogins);
  }
  config.exchangeTimeout = given('exchangeTimeout');
  if (typeof config.exchangeTimeout !== 'number' || !(config.exchangeTimeout >= 1) || config.exchangeTimeout > 600000) {
    fail('exchangeTimeout', 'a number of milliseconds from 1 to 600000', config.exchangeTimeout);
  }
  config.platform = platform(own(options, 'platform'));
  config.now = optionalFunction('now', own(options, 'now')) || Date.now;
  config.wasmPath = string('wasmPath', given('wasmPath'));
  return config;
}

function isStatus(value) {
  return typeof value === 'number' && value % 1 === 0 && value >= 100 && value <= 599;
}

export { normalize };
