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
  // Whitespace or a backslash would be read differently by wx, the server and the origin check.
  if (/[\s\\]/.test(value)) fail(field, 'a URL without spaces or backslashes', value);
  return origin;
}

// baseUrl: where relative urls go, so no query or fragment to append them after.
function baseUrl(value) {
  var origin = httpOrigin('baseUrl', string('baseUrl', value));
  if (/[?#]/.test(value)) fail('baseUrl', 'a URL without a query or fragment (relative urls are appended to it)', value);
  return origin;
}

// An allowedOrigins entry: scheme://host[:port] and nothing more; a path or a wildcard would
// suggest a finer or broader rule than the one applied (the origin, exactly).
function allowedOrigin(field, value) {
  var origin = httpOrigin(field, value);
  if (!/^https?:\/\/[^/?#*]+\/?$/i.test(value)) {
    fail(field, 'an origin like https://api.example.com (no path, query or wildcard)', value);
  }
  return origin;
}

// An HTTP token (RFC 9110): what a header name and an auth scheme are made of.
function httpToken(field, value, allowEmpty) {
  string(field, value, allowEmpty);
  if (value && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
    fail(field, 'an HTTP token (letters, digits, !#$%&\'*+.^_`|~-; no spaces, colons or line breaks)', value);
  }
  return value;
}

// A dot path into the login answer, or a field name: never into an object's prototype.
function fieldPath(field, value) {
  string(field, value);
  if (value.split('.').some(function (key) { return !key || key === '__proto__' || key === 'constructor' || key === 'prototype'; })) {
    fail(field, 'a dot path of field names (no empty parts, __proto__, constructor or prototype)', value);
  }
  return value;
}

function login(value) {
  if (!isPlainObject(value)) fail('login', 'an object', value);
  checkKeys(value, DEFAULT_LOGIN, 'login.');
  var merged = Object.assign({}, DEFAULT_LOGIN, value); // own properties only
  string('login.url', merged.url);
  merged.method = string('login.method', merged.method).toUpperCase();
  if (METHODS.indexOf(merged.method) < 0) fail('login.method', 'one of ' + METHODS.join(', '), value.method);
  fieldPath('login.codeField', merged.codeField);
  fieldPath('login.tokenPath', merged.tokenPath);
  if (merged.expiresInPath !== null) fieldPath('login.expiresInPath', merged.expiresInPath);
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
  config.baseUrl = own(options, 'baseUrl');
  config.origin = baseUrl(config.baseUrl);
  var allowed = given('allowedOrigins');
  if (!Array.isArray(allowed)) fail('allowedOrigins', 'an array of origins', allowed);
  config.trustedOrigins = [config.origin].concat(allowed.map(function (origin, i) {
    return allowedOrigin('allowedOrigins[' + i + ']', origin);
  }));
  config.login = login(given('login'));
  config.exchange = optionalFunction('exchange', own(options, 'exchange'));
  config.tokenHeader = httpToken('tokenHeader', given('tokenHeader'));
  config.tokenHeaderLower = config.tokenHeader.toLowerCase();
  config.tokenScheme = httpToken('tokenScheme', given('tokenScheme'), true);
  config.tokenQuery = given('tokenQuery');
  if (config.tokenQuery !== null) {
    string('tokenQuery', config.tokenQuery);
    if (own(options, 'tokenHeader') !== undefined || own(options, 'tokenScheme') !== undefined) {
      throw new LoginError('CONFIG', 'createSession: give `tokenQuery` or `tokenHeader`/`tokenScheme`, not both: ' +
        'the token goes in one place');
    }
  }
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
  if (!Array.isArray(config.unauthorized) || !config.unauthorized.length || !config.unauthorized.every(isRefusal)) {
    fail('unauthorized', 'a non-empty array of 4xx/5xx status codes (the statuses that mean "the token was refused")',
      config.unauthorized);
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
  config.now = clock(optionalFunction('now', own(options, 'now')) || Date.now);
  config.wasmPath = string('wasmPath', given('wasmPath'));
  return config;
}

function isRefusal(value) {
  return typeof value === 'number' && value % 1 === 0 && value >= 400 && value <= 599;
}

// A clock in seconds would put every token's createTime in 1970: refused at once.
function clock(now) {
  var reading;
  try {
    reading = now();
  } catch (thrown) {
    return now; // a clock that throws is survived at each reading (falls back to Date.now)
  }
  if (typeof reading === 'number' && reading > 0 && reading < 1e11) {
    fail('now', 'a clock in milliseconds since the epoch (like Date.now); it gave seconds?', reading);
  }
  return now;
}

export { normalize };
