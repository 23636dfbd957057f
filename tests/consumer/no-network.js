'use strict';
// No network for the consumer test. Preloaded (NODE_OPTIONS=--require) into every Node process
// and worker thread of the run: npm, miniprogram-ci and its forked compiler processes and
// threads. It refuses every connection, DNS query and UDP datagram to anything that is not
// loopback, and appends one JSON line per refusal to $MP_LOGIN_NET_LOG (plus one "armed" line
// per process or thread it was loaded into), so the test can fail on any attempt, made anywhere.
// A refused connection fails the way an unreachable network does (asynchronously, ECONNREFUSED),
// so the caller's own fallback runs.

const dgram = require('dgram');
const dns = require('dns');
const fs = require('fs');
const net = require('net');
const { isMainThread, threadId } = require('worker_threads');

const LOG = process.env.MP_LOGIN_NET_LOG;

function record(entry) {
  if (!LOG) return;
  const line = Object.assign({ pid: process.pid, thread: threadId, main: isMainThread }, entry);
  fs.appendFileSync(LOG, JSON.stringify(line) + '\n');
}

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default: localhost
  const h = String(host).toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' ||
    /^(0:){7}1$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

// Who asked: the first few frames outside Node's own modules.
function callers() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  return stack.split('\n').slice(1).filter((line) => !line.includes('(node:') && !line.includes(__filename)).slice(0, 5).join('\n');
}

function refusal(what) {
  const error = new Error(`${what}: refused, the consumer test runs without network`);
  error.code = 'ECONNREFUSED';
  return error;
}

// The one place every TCP and TLS client connection passes: net.connect, tls.connect, http(s)
// agents and fetch all end in Socket.prototype.connect. Unix sockets and pipes are local.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0]; // net.connect passes its normalized args
  let host;
  let port;
  if (options !== null && typeof options === 'object') {
    if (options.path) return connect.apply(this, args);
    host = options.host;
    port = options.port;
  } else if (typeof options === 'number' || /^\d+$/.test(String(options))) {
    port = options;
    host = typeof args[1] === 'string' ? args[1] : undefined;
  } else {
    return connect.apply(this, args); // a pipe path
  }
  if (isLoopback(host)) return connect.apply(this, args);
  record({ kind: 'connect', host: String(host), port: Number(port), stack: callers() });
  const error = refusal(`connect ${host}:${port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};

// DNS: a lookup of a public name already sends packets to the resolver.
function guardDns(target, name, promise) {
  const original = target[name];
  if (typeof original !== 'function') return;
  target[name] = function (hostname, ...rest) {
    if (name.startsWith('lookup') ? isLoopback(hostname) : false) return original.call(this, hostname, ...rest);
    record({ kind: 'dns', call: name, host: String(hostname) });
    const error = refusal(`dns.${name} ${hostname}`);
    error.code = 'ENOTFOUND';
    if (promise) return Promise.reject(error);
    const callback = rest.reverse().find((arg) => typeof arg === 'function');
    if (callback) process.nextTick(callback, error);
    return undefined;
  };
}
const DNS_CALLS = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny',
  'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr',
  'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
for (const name of DNS_CALLS) {
  guardDns(dns, name, false);
  guardDns(dns.Resolver.prototype, name, false);
  guardDns(dns.promises, name, true);
  guardDns(dns.promises.Resolver.prototype, name, true);
}

// UDP: datagrams to anything but loopback.
for (const name of ['send', 'connect']) {
  const original = dgram.Socket.prototype[name];
  dgram.Socket.prototype[name] = function (...args) {
    const address = args.find((arg, at) => (name === 'connect' || at > 0) && typeof arg === 'string');
    if (address === undefined || isLoopback(address)) return original.apply(this, args);
    record({ kind: 'udp', call: name, host: address });
    throw refusal(`udp ${name} ${address}`);
  };
}

record({ kind: 'armed', script: process.argv[1] || null });
