'use strict';
// Signed tokens: JWT-shaped (HS256), carrying the openid, issue and expiry times, and the
// revocation generation they were issued in. The secret and the generation live in the state file
// (./state.js: private, never followed through a symlink), so a restarted server still accepts the
// tokens it issued and still refuses revoked ones; without a state file (tests) they live in memory.

const crypto = require('crypto');
const { StateStore } = require('./state');

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
// How far in the future an `iat` may lie (clocks of a fleet differ a little, never by more).
const CLOCK_SKEW_S = 60;

class TokenIssuer {
  // `store`: a StateStore shared with the rest of the server; else one for `stateFile`.
  constructor({ stateFile, store = new StateStore(stateFile), now = Date.now, secret = process.env.DEMO_TOKEN_SECRET }) {
    this.store = store;
    this.now = now;
    const state = store.data;
    if (typeof state.secret !== 'string' || state.secret.length < 32 || !Number.isInteger(state.generation)) {
      state.secret = crypto.randomBytes(32).toString('hex');
      state.generation = 0;
    }
    if (secret) state.secret = secret;
    store.save();
  }

  get state() { return this.store.data; }

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
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return { error: 'malformed token' };
    // Signed is not enough: claims of the wrong type or range are refused, not coerced.
    if (typeof claims.sub !== 'string' || !claims.sub) return { error: 'bad claim: sub' };
    const nowS = this.now() / 1000;
    if (!Number.isFinite(claims.iat) || claims.iat > nowS + CLOCK_SKEW_S) return { error: 'bad claim: iat' };
    // exp null: a token without a lifetime (issued with expiresIn undefined).
    if (claims.exp !== null && !Number.isFinite(claims.exp)) return { error: 'bad claim: exp' };
    if (claims.gen !== this.state.generation) return { error: 'revoked' };
    if (claims.exp !== null && !(nowS < claims.exp)) return { error: 'expired' };
    return { claims };
  }

  revokeAll() {
    this.state.generation++;
    this.store.save();
  }
}

module.exports = { TokenIssuer };
