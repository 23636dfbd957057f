'use strict';
// Signed tokens: JWT-shaped (HS256), carrying the openid, issue and expiry times, and the
// revocation generation they were issued in. The secret and the generation live in a state file,
// so a restarted server still accepts the tokens it issued and still refuses revoked ones; without
// a state file (tests) they live in memory.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

class TokenIssuer {
  constructor({ stateFile, now = Date.now, secret = process.env.DEMO_TOKEN_SECRET }) {
    this.stateFile = stateFile;
    this.now = now;
    this.state = this.load(secret);
  }

  load(secret) {
    let state = null;
    try {
      if (this.stateFile) state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
    } catch (missing) { /* first start */ }
    if (!state || typeof state.secret !== 'string' || typeof state.generation !== 'number') {
      state = { secret: crypto.randomBytes(32).toString('hex'), generation: 0 };
    }
    if (secret) state.secret = secret;
    this.save(state);
    return state;
  }

  save(state) {
    if (!this.stateFile) return;
    fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
    fs.writeFileSync(this.stateFile, JSON.stringify(state), { mode: 0o600 });
  }

  sign(body) {
    return crypto.createHmac('sha256', this.state.secret).update(body).digest('base64url');
  }

  // expiresIn undefined: a token with no expiry (exp null).
  issue(subject, expiresIn) {
    const iat = Math.floor(this.now() / 1000);
    const exp = expiresIn === undefined ? null : iat + expiresIn;
    const payload = b64({ sub: subject, iat, exp, gen: this.state.generation });
    return HEADER + '.' + payload + '.' + this.sign(HEADER + '.' + payload);
  }

  // The token's claims, or why it is refused.
  check(token) {
    if (typeof token !== 'string' || token.length > 4096) return { error: 'missing token' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { error: 'malformed token' };
    const expected = Buffer.from(this.sign(parts[0] + '.' + parts[1]));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { error: 'bad signature' };
    let claims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch (garbage) {
      return { error: 'malformed token' };
    }
    if (claims.gen !== this.state.generation) return { error: 'revoked' };
    if (claims.exp !== null && !(this.now() / 1000 < claims.exp)) return { error: 'expired' };
    return { claims };
  }

  revokeAll() {
    this.state.generation++;
    this.save(this.state);
  }
}

module.exports = { TokenIssuer };
