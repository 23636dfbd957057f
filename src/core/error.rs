//! The one error type. Each variant is a stable `LoginError.code` on the JS side; the words a
//! user reads are composed in `js/errors.js` from the code, the detail number and what JS saw.

use thiserror::Error;

/// Why a login, a request or a storage write did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// `wx.login` failed or gave no code.
    #[error("wx.login failed")]
    LoginFailed,
    /// The login endpoint (or `exchange` hook) did not produce a usable token.
    #[error("token exchange failed: {0:?}")]
    ExchangeFailed(ExchangeProblem),
    /// A request got no response at all (timeout, offline, refused).
    #[error("request failed without a response")]
    Network,
    /// The server still rejected the request after the allowed re-logins.
    #[error("still unauthorized after {relogins} re-login(s)")]
    Unauthorized {
        /// How many re-logins this request went through.
        relogins: u32,
    },
    /// Reading or writing the stored token failed; the session goes on in memory.
    #[error("storage failed")]
    Storage,
    /// `logout()` was called while the request waited for a login.
    #[error("logged out while the request waited for a login")]
    LoggedOut,
}

/// What was wrong with an exchange's answer. `Refused` is a failure JS saw (HTTP status, a
/// throwing hook) and words itself; the rest are the core's verdicts on the grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum ExchangeProblem {
    /// The endpoint or hook failed; JS has the words.
    Refused = 0,
    /// The token field is missing or not a string.
    TokenNotText = 1,
    /// The token is an empty string.
    TokenEmpty = 2,
    /// `expires_in` is present but not a number (NaN included).
    ExpiresInNotNumber = 3,
    /// `expires_in` is zero or negative.
    ExpiresInNotPositive = 4,
    /// `expires_in` is more than ten years: a date or milliseconds instead of seconds.
    ExpiresInTooLong = 5,
    /// The token is a string that cannot travel in a header.
    TokenUnsendable = 6,
}

/// `LoginError.CODES` in `js/errors.js`, in the same order: the index is the code on the wire.
pub const CODES: [&str; 8] = [
    "CONFIG",
    "UNSUPPORTED",
    "LOGIN_FAILED",
    "EXCHANGE_FAILED",
    "NETWORK",
    "UNAUTHORIZED",
    "STORAGE",
    "LOGGED_OUT",
];

const LOGIN_FAILED: u32 = 2;
const EXCHANGE_FAILED: u32 = 3;
const NETWORK: u32 = 4;
const UNAUTHORIZED: u32 = 5;
const STORAGE: u32 = 6;
const LOGGED_OUT: u32 = 7;

impl Error {
    /// The stable code JS callers branch on (`LoginError.code`).
    pub fn code(&self) -> &'static str {
        CODES[self.wire().0 as usize]
    }

    /// `(code index, detail)` as the seam sends them: the detail is the exchange problem or
    /// the number of re-logins, 0 otherwise.
    pub fn wire(&self) -> (u32, u32) {
        match *self {
            Error::LoginFailed => (LOGIN_FAILED, 0),
            Error::ExchangeFailed(problem) => (EXCHANGE_FAILED, problem as u32),
            Error::Network => (NETWORK, 0),
            Error::Unauthorized { relogins } => (UNAUTHORIZED, relogins),
            Error::Storage => (STORAGE, 0),
            Error::LoggedOut => (LOGGED_OUT, 0),
        }
    }

    /// A failure JS saw while performing an action, by the code of what it caught. A code the
    /// core does not own (a user's `exchange` that threw a TypeError, say) is a failed exchange.
    pub fn from_failure(code: u32) -> Error {
        match code {
            LOGIN_FAILED => Error::LoginFailed,
            NETWORK => Error::Network,
            STORAGE => Error::Storage,
            _ => Error::ExchangeFailed(ExchangeProblem::Refused),
        }
    }
}
