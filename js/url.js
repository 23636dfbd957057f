// Where a request goes and whether the token may go with it. No `URL` global: mini programs
// have none.

var ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;
var DEFAULT_PORTS = { 'http:': ':80', 'https:': ':443' };

// "scheme://host[:port]" in lower case without a default port, or null if `url` is not an
// absolute http(s) URL. A URL with userinfo (user@host) has no origin here: it never gets the token.
function originOf(url) {
  var match = ABSOLUTE.exec(url);
  if (!match) return null;
  var scheme = match[1].toLowerCase() + ':';
  var host = match[2].toLowerCase();
  if (!DEFAULT_PORTS[scheme] || !host || host.indexOf('@') >= 0) return null;
  var defaultPort = DEFAULT_PORTS[scheme];
  if (host.slice(-defaultPort.length) === defaultPort) host = host.slice(0, -defaultPort.length);
  return scheme + '//' + host;
}

// Relative urls are appended to baseUrl: ('https://a.com/v1', '/user') -> 'https://a.com/v1/user'.
function resolve(baseUrl, url) {
  if (url.slice(0, 2) === '//') return baseUrl.slice(0, baseUrl.indexOf('//')) + url;
  if (url.charAt(0) !== '/' && ABSOLUTE.test(url)) return url;
  var end = baseUrl.length;
  while (end > 0 && baseUrl.charAt(end - 1) === '/') end--;
  return baseUrl.slice(0, end) + (url.charAt(0) === '/' ? url : '/' + url);
}

function withQuery(url, name, value) {
  var hash = url.indexOf('#');
  var head = hash >= 0 ? url.slice(0, hash) : url;
  var tail = hash >= 0 ? url.slice(hash) : '';
  var separator = head.indexOf('?') >= 0 ? '&' : '?';
  return head + separator + encodeURIComponent(name) + '=' + encodeURIComponent(value) + tail;
}

export { originOf, resolve, withQuery };
