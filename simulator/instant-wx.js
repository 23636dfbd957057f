'use strict';
// The phone for measurements: a wx whose calls answer at once (synchronously), with storage in
// memory, and an in-process token check in front of its wx.request. Timing goes through no
// socket, so what is measured is the library, not the network; everything else in the tests,
// demo and soak talks to the demo's real server over HTTP.

// -> a wx-shaped object; `calls` counts wx.login and wx.request.
function createInstantWx({ storage = new Map() } = {}) {
  let code = 0;
  const wx = {
    calls: { login: 0, request: 0 },
    login(o) { wx.calls.login++; o.success({ code: 'c' + (++code), errMsg: 'login:ok' }); },
    checkSession(o) { o.success({ errMsg: 'checkSession:ok' }); },
    request(o) {
      wx.calls.request++;
      o.success({ statusCode: 200, data: { ok: true }, header: {}, errMsg: 'request:ok' });
    },
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => storage.set(k, JSON.parse(JSON.stringify(v))),
    removeStorageSync: (k) => storage.delete(k)
  };
  return wx;
}

// A token-checking server in front of the device's wx.request, so that every library's 401 and
// re-login paths are real (mp-login's and the peers' alike): POST /login trades a code from wx.login (each code works once) for a new token,
// any other URL answers 401 unless it carries `Bearer <current token>`, and then goes to the device.
// The direct baseline passes the same check, so both sides pay for it alike.
function withTokenServer(device) {
  const codes = new Set();
  const counts = { login: 0, exchange: 0, unauthorized: 0 };
  let issued = 0;
  let valid = null;
  const answer = (o, statusCode, data) => o.success({ statusCode, data, header: {}, errMsg: 'request:ok' });
  const wx = Object.create(device);
  wx.login = (o) => device.login(Object.assign({}, o, {
    success(res) { counts.login++; codes.add(res.code); o.success(res); }
  }));
  wx.request = (o) => {
    if (String(o.method).toUpperCase() === 'POST' && /\/login$/.test(o.url)) {
      const body = typeof o.data === 'string' ? JSON.parse(o.data) : o.data;
      counts.exchange++;
      if (!body || !codes.delete(body.code)) return answer(o, 400, { error: 'bad code' });
      valid = 'tok' + (++issued);
      return answer(o, 200, { token: valid });
    }
    const header = o.header || {};
    if (!valid || (header.Authorization || header.authorization) !== 'Bearer ' + valid) {
      counts.unauthorized++;
      return answer(o, 401, { error: 'unauthorized' });
    }
    return device.request(o);
  };
  return { wx, counts, revoke() { valid = null; }, bearer: () => 'Bearer ' + valid };
}

module.exports = { createInstantWx, withTokenServer };
