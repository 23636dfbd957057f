//! THE expiry rule, and what makes a token's lifetime acceptable.
//!
//! A token is fresh while `now < (createTime + expires_in - leeway) * 1000`, with createTime in
//! seconds taken when the token was received. Without `expires_in` there is no local expiry and
//! the server's 401 decides. Two refinements, both so that the rule cannot loop or lie:
//! - leeway never eats more than half of a token's life, so a short-lived token is still used
//!   instead of being refreshed on every call;
//! - a clock that has moved back before createTime makes the token NOT fresh: it is re-checked by
//!   a re-login rather than trusted for as long as the clock stays wrong.
//!
//! The token text never enters the core: JS holds it, and the core knows a token by its
//! lifetime and its generation.

use super::error::{Error, ExchangeProblem};
use super::interface::{Grant, Stored, TokenField};

/// `expires_in` above this (ten years) is a server bug, not a lifetime.
pub const MAX_EXPIRES_IN_S: f64 = 10.0 * 365.0 * 24.0 * 3600.0;

/// A number field as JS found it, before validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seconds {
    /// `undefined`, `null` or an absent field.
    Missing,
    /// A JS number (possibly NaN or infinite).
    Number(f64),
    /// Anything else: a string, an object, a boolean.
    NotNumber,
}

/// What the expiry rule needs of a held token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifetime {
    /// When it was received, in seconds since the epoch.
    pub create_time_s: f64,
    /// Its lifetime in seconds, if the server gave one.
    pub expires_in_s: Option<f64>,
}

impl Lifetime {
    /// Validates what the login endpoint (or `exchange` hook) returned, received at `now_ms`.
    pub fn from_grant(grant: &Grant, now_ms: f64) -> Result<Lifetime, Error> {
        let problem = match grant.token {
            TokenField::Text => None,
            TokenField::Empty => Some(ExchangeProblem::TokenEmpty),
            TokenField::NotText => Some(ExchangeProblem::TokenNotText),
            TokenField::Unsendable => Some(ExchangeProblem::TokenUnsendable),
        };
        if let Some(problem) = problem {
            return Err(Error::ExchangeFailed(problem));
        }
        let expires_in_s = lifetime(grant.expires_in).map_err(Error::ExchangeFailed)?;
        Ok(Lifetime { create_time_s: now_ms / 1000.0, expires_in_s })
    }

    /// The lifetime of a stored record, if it is one this library would have written.
    pub fn restore(stored: &Stored) -> Option<Lifetime> {
        let create_time_s = stored.create_time_s;
        if !stored.token_is_text || !(create_time_s.is_finite() && create_time_s > 0.0) {
            return None;
        }
        let expires_in_s = lifetime(stored.expires_in).ok()?;
        Some(Lifetime { create_time_s, expires_in_s })
    }

    /// Whether the token may be sent at `now_ms` without asking the server first.
    pub fn is_fresh(&self, now_ms: f64, leeway_s: f64) -> bool {
        // In seconds, as createTime was taken: `create_time_s * 1000.0` can round above the
        // very `now_ms` it came from (from 2038 on), which would expire a token on arrival.
        if now_ms / 1000.0 < self.create_time_s {
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
fn lifetime(expires_in: Seconds) -> Result<Option<f64>, ExchangeProblem> {
    match expires_in {
        Seconds::Missing => Ok(None),
        Seconds::Number(s) if s > 0.0 && s <= MAX_EXPIRES_IN_S => Ok(Some(s)),
        Seconds::Number(s) if s > MAX_EXPIRES_IN_S => Err(ExchangeProblem::ExpiresInTooLong),
        Seconds::Number(s) if !s.is_nan() => Err(ExchangeProblem::ExpiresInNotPositive),
        Seconds::Number(_) | Seconds::NotNumber => Err(ExchangeProblem::ExpiresInNotNumber),
    }
}
