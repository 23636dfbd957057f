//! What goes into the machine and what comes out of it: settings, the five states, the actions
//! a driver performs, the events listeners hear, and the answers it feeds back.

use super::error::Error;
use super::raw::Raw;
use super::request::RequestId;
use super::token::Token;

/// Settings the machine needs (the rest of the JS config is the bindings' business).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Seconds before expiry at which a token stops being sent.
    pub leeway_s: f64,
    /// Re-logins one request may cause before it fails with `Unauthorized`.
    pub max_relogins: u32,
    /// Ask `wx.checkSession` once about a restored, unexpired token.
    pub check_session: bool,
    /// Ask the server (`verify`) once about a restored, unexpired token.
    pub verify: bool,
}

/// The five states a session is ever in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// No token, no login running.
    NoToken,
    /// A restored token is being checked (`wx.checkSession`, `verify`).
    Checking,
    /// `wx.login` or the exchange is running.
    LoggingIn,
    /// A fresh token is held.
    Authenticated,
    /// The held token expired or was rejected; a login starts when someone needs one.
    Expired,
}

impl State {
    /// The name JS sees in `session.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::NoToken => "no-token",
            State::Checking => "checking",
            State::LoggingIn => "logging-in",
            State::Authenticated => "authenticated",
            State::Expired => "expired",
        }
    }
}

/// Something the caller must do, in the order polled.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Read the stored record and answer with `handle_restored`.
    ReadStorage,
    /// Store this token (see `record` for the format).
    WriteStorage(Token),
    /// Remove the stored record.
    ClearStorage,
    /// Call `wx.login`; answer with `handle_code`.
    WxLogin {
        /// Which login this is.
        login: u32,
    },
    /// Exchange the code for a token, once; answer with `handle_exchanged`.
    Exchange {
        /// Which login this is.
        login: u32,
        /// The code from `wx.login`.
        code: String,
    },
    /// Call `wx.checkSession`; answer with `handle_check_session`.
    CheckSession {
        /// Which check this is.
        check: u32,
    },
    /// Ask the server whether `token` is valid; answer with `handle_verified`.
    Verify {
        /// Which check this is.
        check: u32,
        /// The restored token.
        token: String,
    },
    /// Send request `id` with `token`; answer with `handle_response`.
    Send {
        /// The request.
        id: RequestId,
        /// Which attempt of it this is (counted from 1); the answer must name it.
        attempt: u32,
        /// The token to attach.
        token: String,
    },
    /// Settle `id` successfully (a request with its last response).
    Resolve {
        /// The caller.
        id: RequestId,
    },
    /// Settle `id` with `error`.
    Reject {
        /// The caller.
        id: RequestId,
        /// Why.
        error: Error,
    },
    /// Tell listeners.
    Emit(Event),
}

/// What listeners of `session.on` hear.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The state changed.
    State {
        /// The state now.
        new: State,
        /// The state before.
        old: State,
    },
    /// The held token expired locally or was rejected.
    Expired,
    /// A login produced a new token.
    Login,
    /// `logout()` ran.
    Logout,
    /// Something failed in the background (a login, storage).
    Error(Error),
    /// Something works but should be fixed (the server sent `session_key`).
    Warning(&'static str),
}

/// What the server's answer to a request meant.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Any answer that is not "unauthorized" (4xx and 5xx included, as with wx.request).
    Answered,
    /// The configured unauthorized status, or `isUnauthorized` said so.
    Unauthorized,
    /// No response at all, with the platform's message.
    NoResponse(String),
}

/// What the server said of a restored token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Valid.
    Valid,
    /// Invalid: log in again.
    Invalid,
    /// No answer: keep the token; local expiry and 401 still rule.
    Unknown,
}

/// What the login endpoint returned, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The token field.
    pub token: Raw,
    /// The expires_in field.
    pub expires_in: Raw,
    /// Whether the response also carried `session_key` (it is dropped, and a warning emitted).
    pub has_session_key: bool,
}

/// The warning for a login response that carries WeChat's `session_key`.
pub const SESSION_KEY_WARNING: &str =
    "the login response contains session_key: it was dropped; the server should keep it to itself";
