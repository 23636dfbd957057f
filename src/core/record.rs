//! THE storage format: one key holds `{token, createTime, expires_in}`.
//!
//! Whatever storage returns is untrusted: `""` for a missing key, another app version's
//! shape, a half-written object. Anything that is not a complete, valid record restores as
//! "no token", and the next login overwrites it.

use super::raw::Raw;
use super::token::{lifetime, Token};

/// Field holding the token text.
pub const TOKEN: &str = "token";
/// Field holding when the token was received, in seconds since the epoch.
pub const CREATE_TIME: &str = "createTime";
/// Field holding the token's lifetime in seconds; absent when the server gave none.
pub const EXPIRES_IN: &str = "expires_in";

/// A stored record's fields, as read from storage; `None` when storage held no object at all.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFields {
    /// The `token` field.
    pub token: Raw,
    /// The `createTime` field.
    pub create_time: Raw,
    /// The `expires_in` field.
    pub expires_in: Raw,
}

/// The token a stored record holds, if it is a record this library would have written.
pub fn restore(fields: Option<StoredFields>) -> Option<Token> {
    let fields = fields?;
    let value = match fields.token {
        Raw::Text(text) if !text.is_empty() => text,
        _ => return None,
    };
    let create_time_s = match fields.create_time {
        Raw::Number(t) if t.is_finite() && t > 0.0 => t,
        _ => return None,
    };
    let expires_in_s = lifetime(fields.expires_in).ok()?;
    Some(Token { value, create_time_s, expires_in_s })
}
