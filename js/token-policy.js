// THE token policy: which requests carry the token (only to trusted origins, never when the
// caller says `auth: false`), where it goes (a header with an optional scheme, or a query
// parameter), and which answers mean "unauthorized". Every path that attaches a token goes
// through `attach`, which checks the origin itself, so no path can send it elsewhere.

import { LoginError } from './errors.js';
import * as url from './url.js';

// A url that starts with a trusted origin followed by the end of the authority ('/', '?', '#'
// or nothing) is on it, with no parsing; anything else (another case, a default port,
// userinfo) is decided by parsing its origin.
function carriesToken(config, target) {
  var origins = config.trustedOrigins;
  for (var i = 0; i < origins.length; i++) {
    var origin = origins[i];
    if (target.startsWith(origin) && endsAuthority(target.charCodeAt(origin.length))) return true;
  }
  return origins.indexOf(url.originOf(target)) >= 0;
}

// The end of the string (NaN), '/', '?' or '#'.
function endsAuthority(code) {
  return code !== code || code === 47 || code === 63 || code === 35;
}

// Places the token into `options`, the session's own copy of a request's options (made by
// `own`), replacing any the caller set; `target` is the resolved url without the token.
function attach(config, options, target, token) {
  if (!carriesToken(config, target)) {
    throw new LoginError('CONFIG', 'refusing to send the token to ' + url.originOf(target) +
      ': not baseUrl\'s origin nor in allowedOrigins');
  }
  if (config.tokenQuery) {
    options.url = url.withQuery(target, config.tokenQuery, token);
    return options;
  }
  var header = options.header;
  var name = config.tokenHeader;
  for (var key in header) {
    if (key !== name && key.toLowerCase() === config.tokenHeaderLower) delete header[key];
  }
  header[name] = config.tokenScheme ? config.tokenScheme + ' ' + token : token;
  return options;
}

// The caller's options read once (their own properties, `auth` left out) into an object the
// session owns, with a header object of its own.
function own(options) {
  var copy = {};
  var header = {};
  for (var key in options) {
    if (hasOwn.call(options, key) && key !== 'auth') copy[key] = options[key];
  }
  var given = copy.header;
  for (var name in given) {
    if (hasOwn.call(given, name)) header[name] = given[name];
  }
  copy.header = header;
  return copy;
}
var hasOwn = Object.prototype.hasOwnProperty;

function isUnauthorized(config, response) {
  if (config.unauthorized.indexOf(response.statusCode) >= 0) return true;
  if (!config.isUnauthorized) return false;
  try {
    return config.isUnauthorized(response) === true;
  } catch (thrown) {
    return false;
  }
}

export { carriesToken, attach, own, isUnauthorized };
