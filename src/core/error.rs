//! The one error type. Every variant maps to a stable `LoginError.code` on the JS side.

use thiserror::Error;

/// Why a login, a request or a storage write did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// `wx.login` failed or gave an empty code.
    #[error("wx.login failed: {0}")]
    LoginFailed(String),
    /// The login endpoint (or `exchange` hook) did not produce a usable token.
    #[error("token exchange failed: {0}")]
    ExchangeFailed(String),
    /// A request got no response at all (timeout, offline, refused).
    #[error("request failed without a response: {0}")]
    Network(String),
    /// The server still rejected the request after the allowed re-logins.
    #[error("still unauthorized after {relogins} re-login(s)")]
    Unauthorized {
        /// How many re-logins this request went through.
        relogins: u32,
    },
    /// Reading or writing the stored token failed; the session goes on in memory.
    #[error("storage failed: {0}")]
    Storage(String),
    /// `logout()` was called while the request waited for a login.
    #[error("logged out while the request waited for a login")]
    LoggedOut,
}

impl Error {
    /// The stable code JS callers branch on (`LoginError.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::LoginFailed(_) => "LOGIN_FAILED",
            Error::ExchangeFailed(_) => "EXCHANGE_FAILED",
            Error::Network(_) => "NETWORK",
            Error::Unauthorized { .. } => "UNAUTHORIZED",
            Error::Storage(_) => "STORAGE",
            Error::LoggedOut => "LOGGED_OUT",
        }
    }

    /// Rebuilds an error that crossed to JS and back (a hook's rejection). Codes the core does
    /// not own (a user's `exchange` that threw a TypeError, say) count as a failed exchange.
    pub fn from_code(code: &str, message: String) -> Error {
        match code {
            "LOGIN_FAILED" => Error::LoginFailed(message),
            "NETWORK" => Error::Network(message),
            "STORAGE" => Error::Storage(message),
            _ => Error::ExchangeFailed(message),
        }
    }
}
