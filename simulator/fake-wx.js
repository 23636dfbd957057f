'use strict';
// A fake `wx` that follows ../shared/PLATFORM.md: callbacks only, always asynchronous;
// errMsg "<api>:ok" / "<api>:fail <reason>"; wx.request does REAL HTTP, sends every status to
// `success` and only "no response" to `fail`, parses JSON once, queues beyond 10 in flight, and
// times out (default and maximum 60 s); getStorageSync of a missing key returns ""; the Sync
// storage calls throw on error; values are stored as JSON copies, 1 MB per key at most.
// `control` holds the knobs a test turns and the counts it reads; it is not part of wx.

const http = require('http');

const MAX_IN_FLIGHT = 10;
const MAX_TIMEOUT_MS = 60000;
const MAX_ENTRY_BYTES = 1024 * 1024;

function later(fn) {
  setTimeout(fn, 0);
}

function finish(options, ok, result) {
  later(() => {
    if (ok && typeof options.success === 'function') options.success(result);
    if (!ok && typeof options.fail === 'function') options.fail(result);
    if (typeof options.complete === 'function') options.complete(result);
  });
}

function encodeQuery(data) {
  if (typeof data === 'string') return data;
  return Object.keys(data).map((key) => {
    const value = data[key];
    const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
    return encodeURIComponent(key) + '=' + encodeURIComponent(text);
  }).join('&');
}

function headerLookup(header, name) {
  const key = Object.keys(header).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : header[key];
}

// [url, body, header] as wx.request would put them on the wire.
function encodeRequest(options, method) {
  const header = Object.assign({}, options.header || {});
  let url = options.url;
  let body = null;
  const data = options.data;
  if (data !== undefined && data !== null) {
    if (method === 'GET') {
      const query = encodeQuery(data);
      if (query) url += (url.includes('?') ? '&' : '?') + query;
    } else if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      body = typeof data === 'string' ? data : Buffer.from(data.buffer || data);
    } else {
      const type = String(headerLookup(header, 'content-type') || 'application/json');
      if (type.includes('x-www-form-urlencoded')) body = encodeQuery(data);
      else {
        body = JSON.stringify(data);
        if (!headerLookup(header, 'content-type')) header['content-type'] = 'application/json';
      }
    }
  }
  return [url, body, header];
}

function responseHeader(raw) {
  const header = {};
  for (let i = 0; i < raw.length; i += 2) header[raw[i]] = raw[i + 1];
  return header;
}

// `ext`: what wx.getExtConfigSync() returns (ext.json's "ext"), {} by default.
function createFakeWx({ backend, storage = new Map(), ext = {} } = {}) {
  const control = {
    loginCalls: 0,
    checkSessionCalls: 0,
    sessionAlive: true,
    loginFail: null,           // an errMsg: wx.login fails with it
    emptyCode: false,          // wx.login "succeeds" without a code
    storageThrows: false,      // setStorageSync throws
    statusAsString: false,     // old Android: statusCode is a string
    requests: [],              // every wx.request as {method, url, header}
    inFlight: 0,
    maxInFlightSeen: 0
  };
  const queue = [];

  function login(options = {}) {
    control.loginCalls++;
    if (control.loginFail) return finish(options, false, { errMsg: 'login:fail ' + control.loginFail });
    const code = control.emptyCode ? '' : backend.issueCode();
    control.lastCode = code;
    finish(options, true, { code, errMsg: 'login:ok' });
  }

  function checkSession(options = {}) {
    control.checkSessionCalls++;
    if (control.sessionAlive) finish(options, true, { errMsg: 'checkSession:ok' });
    else finish(options, false, { errMsg: 'checkSession:fail session time out, need relogin' });
  }

  function startRequest(options, task) {
    const method = String(options.method || 'GET').toUpperCase();
    const timeout = Math.min(typeof options.timeout === 'number' ? options.timeout : MAX_TIMEOUT_MS, MAX_TIMEOUT_MS);
    let done = false;
    control.inFlight++;
    control.maxInFlightSeen = Math.max(control.maxInFlightSeen, control.inFlight);
    const settle = (ok, result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      control.inFlight--;
      if (queue.length) startRequest(...queue.shift());
      finish(options, ok, result);
    };
    const fail = (reason) => settle(false, { errMsg: 'request:fail ' + reason, errno: 600001 });
    let url, body, header;
    try {
      [url, body, header] = encodeRequest(options, method);
    } catch (error) {
      return fail('invalid data: ' + error.message);
    }
    control.requests.push({ method, url, header, timeout: options.timeout });
    const request = http.request(url, { method, headers: header }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', (error) => fail(error.message));
      response.on('end', () => {
        let data = Buffer.concat(chunks).toString('utf8');
        if ((options.dataType || 'json') === 'json') {
          try { data = JSON.parse(data); } catch (notJson) { /* wx keeps the text */ }
        }
        const statusCode = control.statusAsString ? String(response.statusCode) : response.statusCode;
        settle(true, { data, statusCode, header: responseHeader(response.rawHeaders), cookies: [], errMsg: 'request:ok' });
      });
    });
    const timer = setTimeout(() => { request.destroy(); fail('timeout'); }, timeout);
    request.on('error', (error) => fail(error.code === 'ECONNREFUSED'
      ? 'errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED' : error.message));
    task.abort = () => { request.destroy(); fail('abort'); };
    if (body !== null) request.write(body);
    request.end();
  }

  function request(options) {
    const task = { onHeadersReceived() {}, offHeadersReceived() {} };
    task.abort = () => { // before it started; startRequest replaces this once it has
      const at = queue.findIndex((queued) => queued[1] === task);
      if (at >= 0) {
        queue.splice(at, 1);
        finish(options, false, { errMsg: 'request:fail abort' });
      }
    };
    if (control.inFlight >= MAX_IN_FLIGHT) queue.push([options, task]);
    else startRequest(options, task);
    return task;
  }

  function getStorageSync(key) {
    if (typeof key !== 'string' || !key) throw new Error('getStorageSync:fail parameter error: key must be a non-empty string');
    return storage.has(key) ? JSON.parse(storage.get(key)) : '';
  }

  function setStorageSync(key, data) {
    if (typeof key !== 'string' || !key) throw new Error('setStorageSync:fail parameter error: key must be a non-empty string');
    if (control.storageThrows) throw new Error('setStorageSync:fail exceed storage max size 10MB');
    const text = JSON.stringify(data === undefined ? null : data);
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) throw new Error('setStorageSync:fail entry size limit reached');
    storage.set(key, text);
  }

  function removeStorageSync(key) {
    storage.delete(key);
  }

  const getExtConfigSync = () => JSON.parse(JSON.stringify(ext));
  const wx = { login, checkSession, request, getStorageSync, setStorageSync, removeStorageSync, getExtConfigSync };
  return { wx, control, storage };
}

module.exports = { createFakeWx };
