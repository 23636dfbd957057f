// THE storage format: one key holds {token, createTime, expires_in}; createTime in seconds
// since the epoch, expires_in in seconds and absent when the server gave none.
//
// Whatever storage returns is untrusted: "" for a missing key, another app version's shape, a
// half-written object. `decode` only classifies it; the core decides whether it is a record
// this library would have written (src/core/token.rs), and anything else restores as "no
// token", overwritten by the next login.

import { tokenKind, secondsKind } from './core.js';

export function encode(token, createTime, expiresIn) {
  const record = { token, createTime };
  if (expiresIn === expiresIn) record.expires_in = expiresIn; // NaN: no lifetime
  return record;
}

// -> null when storage holds no object at all, else the fields as the core takes them.
export function decode(stored) {
  if (stored === null || typeof stored !== 'object') return null;
  const { token, createTime, expires_in: expiresIn } = stored;
  return {
    token,
    tokenKind: tokenKind(token),
    createTime: typeof createTime === 'number' ? createTime : NaN,
    expiresKind: secondsKind(expiresIn),
    expiresIn: typeof expiresIn === 'number' ? expiresIn : 0
  };
}
