//! The token record and THE expiry rule.
//!
//! A token is fresh while `now < (createTime + expires_in - leeway) * 1000`, with createTime in
//! seconds taken when the token was received. Without `expires_in` there is no local expiry and
//! the server's 401 decides. Two refinements, both so that the rule cannot loop or lie:
//! - leeway never eats more than half of a token's life, so a short-lived token is still used
//!   instead of being refreshed on every call;
//! - a clock that has moved back before createTime makes the token NOT fresh: it is re-checked by
//!   a re-login rather than trusted for as long as the clock stays wrong.

use super::error::Error;
use super::raw::Raw;

/// `expires_in` above this (ten years) is a server bug, not a lifetime.
pub const MAX_EXPIRES_IN_S: f64 = 10.0 * 365.0 * 24.0 * 3600.0;

/// A token the session holds, with what the expiry rule needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token text, never empty.
    pub value: String,
    /// When it was received, in seconds since the epoch.
    pub create_time_s: f64,
    /// Its lifetime in seconds, if the server gave one.
    pub expires_in_s: Option<f64>,
}

impl Token {
    /// Validates what the login endpoint (or `exchange` hook) returned, received at `now_ms`.
    pub fn from_grant(token: Raw, expires_in: Raw, now_ms: f64) -> Result<Token, Error> {
        let value = match token {
            Raw::Text(text) if !text.is_empty() => text,
            Raw::Text(_) => return Err(Error::ExchangeFailed("the token is an empty string".into())),
            other => {
                return Err(Error::ExchangeFailed(format!(
                    "the token must be a string, got {}",
                    other.kind()
                )))
            }
        };
        let expires_in_s = lifetime(expires_in).map_err(Error::ExchangeFailed)?;
        Ok(Token { value, create_time_s: now_ms / 1000.0, expires_in_s })
    }

    /// Whether the token may be sent at `now_ms` without asking the server first.
    pub fn is_fresh(&self, now_ms: f64, leeway_s: f64) -> bool {
        if now_ms < self.create_time_s * 1000.0 {
            return false;
        }
        match self.refresh_at_ms(leeway_s) {
            Some(deadline) => now_ms < deadline,
            None => true,
        }
    }

    /// When the token stops being fresh (expiry minus leeway), in ms since the epoch.
    pub fn refresh_at_ms(&self, leeway_s: f64) -> Option<f64> {
        let lifetime = self.expires_in_s?;
        let leeway = leeway_s.min(lifetime / 2.0);
        Some((self.create_time_s + lifetime - leeway) * 1000.0)
    }

    /// When the server says the token expires, in ms since the epoch.
    pub fn expires_at_ms(&self) -> Option<f64> {
        self.expires_in_s.map(|lifetime| (self.create_time_s + lifetime) * 1000.0)
    }
}

/// `expires_in`: absent means "no local expiry"; anything present must be a sane number.
/// (Messages avoid printing the float: the float formatter would double the wasm's size.)
pub(crate) fn lifetime(expires_in: Raw) -> Result<Option<f64>, String> {
    match expires_in {
        Raw::Missing => Ok(None),
        Raw::Number(s) if s > 0.0 && s <= MAX_EXPIRES_IN_S => Ok(Some(s)),
        Raw::Number(s) if s > MAX_EXPIRES_IN_S => Err(
            "expires_in is more than ten years: a date or milliseconds instead of seconds?".into(),
        ),
        Raw::Number(s) if !s.is_nan() => Err("expires_in must be more than 0 seconds".into()),
        other => Err(format!("expires_in must be a number of seconds, got {}", other.kind())),
    }
}
