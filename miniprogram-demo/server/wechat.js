'use strict';
// WeChat's side of login, for the demo server:
// - `code2Session`: the client for GET /sns/jscode2session (the real endpoint, or any stand-in
//   at a configurable base URL);
// - `WeChatStandIn`: an embedded stand-in of that endpoint, plus the code registry the demo's
//   fake wx.login draws codes from. Codes live 5 minutes and are exchanged ONCE (again: errcode
//   40163; unknown: 40029), as documented. The demo server serves it on a loopback-only port of
//   its own and, with a state file, keeps the used codes across restarts (markUsed/usedCodes).

const crypto = require('crypto');
const http = require('http');
const https = require('https');

const CODE_LIFETIME_MS = 5 * 60 * 1000;

class WeChatStandIn {
  constructor({ appid = 'wxdemoappid', secret = 'demo-app-secret', now = Date.now, acceptUnknownCodes = false } = {}) {
    this.appid = appid;
    this.secret = secret;
    this.now = now;
    // DevTools gets its codes from the real WeChat; `--any-code` lets those through (once each).
    this.acceptUnknownCodes = acceptUnknownCodes;
    this.codes = new Map();
    this.reusedCodes = 0;
  }

  issueCode(openid = 'o' + crypto.randomBytes(9).toString('base64url')) {
    const code = crypto.randomBytes(12).toString('hex');
    this.codes.set(code, { issuedAt: this.now(), used: false, openid });
    return code;
  }

  // What jscode2session answers for these query parameters.
  redeem({ appid, secret, js_code: code, grant_type: grantType }) {
    if (appid !== this.appid) return { errcode: 40013, errmsg: 'invalid appid' };
    if (secret !== this.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    if (grantType !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (typeof code !== 'string' || !code) return { errcode: 41008, errmsg: 'missing code' };
    let entry = this.codes.get(code);
    if (!entry && this.acceptUnknownCodes) {
      // A random openid, not one derived from the code: a code replayed after it was forgotten
      // (a restart without a state file, or long after it expired) is a new nobody, never the
      // user it was first exchanged for.
      entry = { issuedAt: this.now(), used: false, openid: 'o' + crypto.randomBytes(9).toString('base64url') };
      this.codes.set(code, entry);
    }
    if (!entry) return { errcode: 40029, errmsg: 'invalid code' };
    if (entry.used) {
      this.reusedCodes++;
      return { errcode: 40163, errmsg: 'code been used' };
    }
    if (this.now() - entry.issuedAt > CODE_LIFETIME_MS) return { errcode: 40029, errmsg: 'invalid code (expired)' };
    entry.used = true;
    return { openid: entry.openid, session_key: crypto.randomBytes(16).toString('base64') };
  }

  // [code, issuedAt] of every code exchanged so far (what a restart must not forget).
  usedCodes() {
    const used = [];
    for (const [code, entry] of this.codes) if (entry.used) used.push([code, entry.issuedAt]);
    return used;
  }

  // A code exchanged before (by an earlier run): refused from now on.
  markUsed(code, issuedAt) {
    const entry = this.codes.get(code);
    if (entry) entry.used = true;
    else this.codes.set(code, { issuedAt, used: true, openid: null });
  }
}

// GET {baseUrl}/sns/jscode2session → {openid, session_key} or {errcode, errmsg}.
function code2Session({ baseUrl, appid, secret }, code) {
  const query = new URLSearchParams({ appid, secret, js_code: code, grant_type: 'authorization_code' });
  const url = new URL('/sns/jscode2session?' + query, baseUrl);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { timeout: 10000 }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (notJson) {
          reject(new Error('code2Session answered HTTP ' + response.statusCode + ' without JSON'));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('code2Session timed out')));
    request.on('error', reject);
  });
}

module.exports = { WeChatStandIn, code2Session, CODE_LIFETIME_MS };
