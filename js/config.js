// createSession's options: checked once, here, with errors that name the field and the fix;
// every default lives in DEFAULTS.

import { LoginError } from './errors.js';
import { originOf, resolve } from './url.js';
import { carriesToken } from './token-policy.js';

const DEFAULT_LOGIN = { url: '/login', method: 'POST', codeField: 'code', tokenPath: 'token', expiresInPath: 'expires_in' };
const DEFAULTS = {
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
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const PLATFORM_CALLS = ['login', 'request', 'getStorageSync', 'setStorageSync', 'removeStorageSync'];

function fail(field, expected, value) {
  let got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  if (typeof value === 'string') got = JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number') got = String(value);
  throw new LoginError('CONFIG', 'createSession: `' + field + '` must be ' + expected + ', got ' + got);
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

// The object's own properties, on no prototype: an inherited option (a polluted
// Object.prototype) must never route the token. Unknown keys are refused by name.
function own(object, allowed, prefix) {
  const copy = Object.create(null);
  for (const key of Object.keys(object)) {
    if (!Object.prototype.hasOwnProperty.call(allowed, key)) {
      throw new LoginError('CONFIG', 'createSession: unknown option `' + prefix + key + '` (known: ' +
        Object.keys(allowed).join(', ') + ')');
    }
    copy[key] = object[key];
  }
  return copy;
}

function string(field, value, allowEmpty) {
  if (typeof value !== 'string' || (!allowEmpty && !value)) fail(field, allowEmpty ? 'a string' : 'a non-empty string', value);
  return value;
}

function number(field, value, min, max, whole) {
  if (typeof value !== 'number' || !(value >= min && value <= max) || (whole && value % 1)) {
    fail(field, (whole ? 'a whole number' : 'a number') + ' from ' + min + ' to ' + max, value);
  }
  return value;
}

function optionalFunction(field, value) {
  if (value != null && typeof value !== 'function') fail(field, 'a function', value);
  return value || null;
}

function oneOf(field, value, list) {
  const upper = string(field, value).toUpperCase();
  if (list.indexOf(upper) < 0) fail(field, 'one of ' + list.join(', '), value);
  return upper;
}

function httpOrigin(field, value) {
  const origin = typeof value === 'string' ? originOf(value) : null;
  if (!origin) fail(field, 'an absolute http(s) URL', value);
  // Whitespace or a backslash would be read differently by wx, the server and the origin check.
  if (/[\s\\]/.test(value)) fail(field, 'a URL without spaces or backslashes', value);
  return origin;
}

// An allowedOrigins entry: scheme://host[:port] and nothing more; a path or a wildcard would
// suggest a finer or broader rule than the one applied (the origin, exactly).
function allowedOrigin(value, i) {
  const field = 'allowedOrigins[' + i + ']';
  const origin = httpOrigin(field, value);
  if (!/^https?:\/\/[^/?#*]+\/?$/i.test(value)) fail(field, 'an origin like https://a.example.com (no path or wildcard)', value);
  return origin;
}

// An HTTP token (RFC 9110): what a header name and an auth scheme are made of.
function httpToken(field, value, allowEmpty) {
  if (string(field, value, allowEmpty) && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
    fail(field, 'an HTTP token (no spaces, colons or line breaks)', value);
  }
  return value;
}

// A dot path into the login answer, or a field name: never into an object's prototype.
function fieldPath(field, value) {
  if (string(field, value).split('.').some((key) => !key || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    fail(field, 'a dot path of field names, not through __proto__/constructor/prototype', value);
  }
  return value;
}

function login(value) {
  if (!isPlainObject(value)) fail('login', 'an object', value);
  const merged = Object.assign({}, DEFAULT_LOGIN, own(value, DEFAULT_LOGIN, 'login.'));
  string('login.url', merged.url);
  merged.method = oneOf('login.method', merged.method, METHODS);
  fieldPath('login.codeField', merged.codeField);
  fieldPath('login.tokenPath', merged.tokenPath);
  if (merged.expiresInPath !== null) fieldPath('login.expiresInPath', merged.expiresInPath);
  return merged;
}

function verify(value) {
  if (value == null) return null;
  if (!isPlainObject(value)) fail('verify', 'null or an object {url, method}', value);
  const given = own(value, { url: 1, method: 1 }, 'verify.');
  return { url: string('verify.url', given.url), method: oneOf('verify.method', given.method || 'GET', METHODS) };
}

function platform(value) {
  let api = value;
  if (api === undefined) {
    api = typeof wx === 'object' ? wx : typeof tt === 'object' ? tt : typeof qq === 'object' ? qq
      : typeof swan === 'object' ? swan : undefined;
    if (!api) fail('platform', 'given outside a mini program (no global wx, tt, qq or swan)', value);
  }
  if (!api || (typeof api !== 'object' && typeof api !== 'function')) fail('platform', 'a wx-shaped object', value);
  for (const name of PLATFORM_CALLS) {
    if (typeof api[name] !== 'function') fail('platform.' + name, 'a function', api[name]);
  }
  return api;
}

// A clock in seconds would put every token's createTime in 1970: refused at once.
function clock(now) {
  let reading;
  try {
    reading = now();
  } catch (thrown) {
    return now; // a clock that throws is survived at each reading (falls back to Date.now)
  }
  if (typeof reading === 'number' && reading > 0 && reading < 1e11) fail('now', 'milliseconds like Date.now, not seconds?', reading);
  return now;
}

const isRefusal = (value) => typeof value === 'number' && value % 1 === 0 && value >= 400 && value <= 599;

// Returns the complete, checked configuration or throws LoginError('CONFIG').
export function normalize(given) {
  if (!isPlainObject(given)) fail('options', 'an object', given);
  const options = own(given, DEFAULTS, '');
  if (options.login !== undefined && options.exchange != null) {
    throw new LoginError('CONFIG', 'createSession: give `login` or `exchange`, not both');
  }
  const value = (key) => (options[key] === undefined ? DEFAULTS[key] : options[key]);
  const config = {};
  config.baseUrl = string('baseUrl', options.baseUrl);
  config.origin = httpOrigin('baseUrl', config.baseUrl);
  // Where relative urls go: no query or fragment to append them after.
  if (/[?#]/.test(config.baseUrl)) fail('baseUrl', 'a URL without a query or fragment', config.baseUrl);
  const allowed = value('allowedOrigins');
  if (!Array.isArray(allowed)) fail('allowedOrigins', 'an array of origins', allowed);
  config.trustedOrigins = [config.origin].concat(allowed.map(allowedOrigin));
  config.login = login(value('login'));
  config.exchange = optionalFunction('exchange', options.exchange);
  config.tokenHeader = httpToken('tokenHeader', value('tokenHeader'));
  config.tokenHeaderLower = config.tokenHeader.toLowerCase();
  config.tokenScheme = httpToken('tokenScheme', value('tokenScheme'), true);
  config.tokenQuery = value('tokenQuery');
  if (config.tokenQuery !== null) {
    string('tokenQuery', config.tokenQuery);
    if (options.tokenHeader !== undefined || options.tokenScheme !== undefined) {
      throw new LoginError('CONFIG', 'createSession: give `tokenQuery` or `tokenHeader`/`tokenScheme`, not both');
    }
  }
  config.storageKey = string('storageKey', value('storageKey'));
  config.leewaySeconds = number('leewaySeconds', value('leewaySeconds'), 0, 1e9);
  config.checkSession = value('checkSession');
  if (typeof config.checkSession !== 'boolean') fail('checkSession', 'a boolean', config.checkSession);
  config.verify = verify(options.verify);
  if (config.verify && !carriesToken(config, resolve(config.baseUrl, config.verify.url))) {
    throw new LoginError('CONFIG', 'createSession: `verify.url` gets the token: it must be on baseUrl\'s origin or in allowedOrigins');
  }
  config.unauthorized = value('unauthorized');
  if (!Array.isArray(config.unauthorized) || !config.unauthorized.length || !config.unauthorized.every(isRefusal)) {
    fail('unauthorized', 'a non-empty array of 4xx/5xx statuses', config.unauthorized);
  }
  config.isUnauthorized = optionalFunction('isUnauthorized', options.isUnauthorized);
  config.maxRelogins = number('maxRelogins', value('maxRelogins'), 0, 10, true);
  config.exchangeTimeout = number('exchangeTimeout', value('exchangeTimeout'), 1, 600000);
  config.platform = platform(options.platform);
  config.now = clock(optionalFunction('now', options.now) || Date.now);
  config.wasmPath = string('wasmPath', value('wasmPath'));
  return config;
}
