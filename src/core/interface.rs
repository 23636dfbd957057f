//! What goes into the machine and what comes out of it: settings, the five states, the actions
//! JS performs, the events listeners hear, and the answers it feeds back. Everything here is a
//! number or a small enum: JS values never enter the core.

use super::error::Error;
use super::token::Seconds;

/// Settings the machine needs (the rest of the JS config is the bindings' business).
#[derive(Debug, Clone, Copy, PartialEq)]
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

impl Config {
    /// The defaults `js/config.js` documents.
    pub const DEFAULT: Config =
        Config { leeway_s: 60.0, max_relogins: 1, check_session: true, verify: false };
}

/// The five states a session is ever in, numbered as `STATES` in `js/core.js`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum State {
    /// No token, no login running.
    NoToken = 0,
    /// A restored token is being checked (`wx.checkSession`, `verify`).
    Checking = 1,
    /// `wx.login` or the exchange is running.
    LoggingIn = 2,
    /// A fresh token is held.
    Authenticated = 3,
    /// The held token expired or was rejected; a login starts when someone needs one.
    Expired = 4,
}

impl State {
    /// The names JS sees in `session.state`, by number.
    pub const NAMES: [&'static str; 5] =
        ["no-token", "checking", "logging-in", "authenticated", "expired"];

    /// The name JS sees in `session.state`.
    pub fn as_str(self) -> &'static str {
        State::NAMES[self as usize]
    }
}

/// Something JS must do, in the order given. None carries a JS value: the token, the code and
/// the callers stay in JS, named here by generation, login and check numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Read the stored record and answer with `handle_restored`.
    ReadStorage,
    /// Store the current token with these numbers (see `js/storage-record.js`).
    WriteStorage(super::token::Lifetime),
    /// Remove the stored record; with `refused_only`, only if it still holds the token this
    /// session held (another session on the same key may have stored a newer one).
    ClearStorage {
        /// Leave a record that holds another token.
        refused_only: bool,
    },
    /// Call `wx.login`; answer with `handle_code`.
    WxLogin {
        /// Which login this is.
        login: u32,
    },
    /// Exchange the code `wx.login` gave for this login, once; answer with `handle_exchanged`.
    Exchange {
        /// Which login this is.
        login: u32,
    },
    /// Call `wx.checkSession`; answer with `handle_check_session`.
    CheckSession {
        /// Which check this is.
        check: u32,
    },
    /// Ask the server whether the held token is valid; answer with `handle_verified`.
    Verify {
        /// Which check this is.
        check: u32,
    },
    /// Everyone waiting for a token goes on with the token of this generation: requests are
    /// sent with it, `ensureLogin()` callers resolve. Stale (a later generation exists) if JS
    /// holds another by the time it performs this: then it does nothing.
    Release {
        /// The token's generation.
        generation: u32,
    },
    /// Everyone waiting for a token fails with this.
    RejectWaiting(Error),
    /// Everyone waiting for a token fails at once, without a login: `failures` logins in a row
    /// failed, the last with `error`, and the next may start in `retry_in_ms` (see `backoff`).
    Refuse {
        /// The last failed login's error.
        error: Error,
        /// Failed logins in a row.
        failures: u32,
        /// Until the next login may start.
        retry_in_ms: f64,
    },
    /// Tell listeners.
    Emit(Event),
}

/// What listeners of `session.on` hear, numbered as `EVENTS` in `js/events.js`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// The state changed.
    State {
        /// The state now.
        new: State,
        /// The state before.
        old: State,
    },
    /// A login produced a new token.
    Login,
    /// `logout()` ran.
    Logout,
    /// The held token expired locally or was rejected.
    Expired,
    /// Something failed in the background (a login, storage).
    Error(Error),
    /// Something works but should be fixed.
    Warning(Warning),
}

impl Event {
    /// `EVENTS` in `js/events.js`, in the same order: the index is the event on the wire.
    pub const NAMES: [&'static str; 6] = ["state", "login", "logout", "expired", "error", "warning"];

    /// This event's index in [`Event::NAMES`].
    pub fn index(&self) -> u32 {
        match self {
            Event::State { .. } => 0,
            Event::Login => 1,
            Event::Logout => 2,
            Event::Expired => 3,
            Event::Error(_) => 4,
            Event::Warning(_) => 5,
        }
    }
}

/// Warnings, numbered as `WARNINGS` in `js/errors.js`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Warning {
    /// The login response carried WeChat's `session_key`: it was dropped.
    SessionKey = 0,
}

/// What the server's answer to a request meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Outcome {
    /// Any answer that is not "unauthorized" (4xx and 5xx included, as with wx.request).
    Answered = 0,
    /// The configured unauthorized status, or `isUnauthorized` said so.
    Unauthorized = 1,
    /// No response at all.
    NoResponse = 2,
}

/// What the server said of a restored token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Verdict {
    /// Valid.
    Valid = 0,
    /// Invalid: log in again.
    Invalid = 1,
    /// No answer: keep the token; local expiry and 401 still rule.
    Unknown = 2,
}

/// What the token field of an answer or a record held, as JS classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum TokenField {
    /// A non-empty string.
    Text = 0,
    /// The empty string.
    Empty = 1,
    /// Missing, or not a string.
    NotText = 2,
    /// A string that cannot travel in a header: control characters, characters beyond
    /// Latin-1, "undefined"/"null", or too long (see `js/core.js`).
    Unsendable = 3,
}

/// What the login endpoint returned, before validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grant {
    /// The token field.
    pub token: TokenField,
    /// The expires_in field.
    pub expires_in: Seconds,
    /// Whether the response also carried `session_key` (JS drops it; a warning is emitted).
    pub has_session_key: bool,
}

/// A stored record's fields, as JS decoded them (`js/storage-record.js`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stored {
    /// Whether the token field is a non-empty string.
    pub token_is_text: bool,
    /// The createTime field (NaN when it is not a number).
    pub create_time_s: f64,
    /// The expires_in field.
    pub expires_in: Seconds,
}

/// What a new caller (a request, or `ensureLogin()`) does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Admission {
    /// A fresh token is held: send with the current generation (or resolve, for ensureLogin).
    Go = 0,
    /// Wait for a `Release` or `RejectWaiting`.
    Wait = 1,
}

/// What happens to a request after its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Resolve the caller with this answer.
    Settle,
    /// Send again now, with the current generation.
    Send,
    /// Wait for a `Release` or `RejectWaiting`.
    Wait,
    /// Wait, and count one more re-login for this request.
    Relogin,
    /// Reject the caller.
    Fail(Error),
}
