'use strict';
// The part of WeChat's servers the fake wx.login and the code2Session stand-in share: codes are
// valid for 5 minutes and can be exchanged ONCE (again: errcode 40163; unknown: 40029).

const crypto = require('crypto');

const CODE_LIFETIME_MS = 5 * 60 * 1000;

class WeChatBackend {
  constructor({ now = Date.now } = {}) {
    this.now = now;
    this.codes = new Map();
    this.reusedCodes = 0;
  }

  issueCode(openid = 'openid-test-user') {
    const code = crypto.randomBytes(12).toString('hex');
    this.codes.set(code, { issuedAt: this.now(), used: false, openid });
    return code;
  }

  // What jscode2session answers for `code`.
  redeem(code) {
    const entry = this.codes.get(code);
    if (!entry) return { errcode: 40029, errmsg: 'invalid code' };
    if (entry.used) {
      this.reusedCodes++;
      return { errcode: 40163, errmsg: 'code been used' };
    }
    if (this.now() - entry.issuedAt > CODE_LIFETIME_MS) return { errcode: 40029, errmsg: 'invalid code (expired)' };
    entry.used = true;
    return { openid: entry.openid, session_key: crypto.randomBytes(16).toString('base64') };
  }
}

module.exports = { WeChatBackend };
