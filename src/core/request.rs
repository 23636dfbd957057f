//! Per-request bookkeeping and THE retry rule for an unauthorized answer.

use super::error::Error;

/// Identifies one caller of `request`, `start` or `ensureLogin` until it is settled.
pub type RequestId = u32;

/// What a caller waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A business request: sent with the token, answered by the server.
    Request,
    /// `start()` / `ensureLogin()`: settled once a fresh token is held.
    Waiter,
}

/// One unsettled caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Request or waiter.
    pub kind: Kind,
    /// The token generation of the attempt in flight; `None` while it waits to be sent.
    pub sent_with: Option<u32>,
    /// Attempts sent so far; an answer names its attempt, so a late or repeated answer to an
    /// earlier one is never taken for the answer to the current one.
    pub attempts: u32,
    /// Re-logins this request has caused or joined.
    pub relogins: u32,
}

/// What the machine does with a request the server answered "unauthorized".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// The current token is bad: re-login (or join the one running), then send again.
    Relogin,
    /// The token changed since this was sent: send again with the current one, no login.
    Resend,
    /// Give up with this error.
    Fail(Error),
}

impl Pending {
    /// A caller that has not been sent yet.
    pub fn new(kind: Kind) -> Pending {
        Pending { kind, sent_with: None, attempts: 0, relogins: 0 }
    }

    /// The retry rule. `generation` counts tokens the session has held; `renewable` says
    /// whether there is a token (or a login running) to resend with.
    ///
    /// A 401 for an older token says nothing about the current one, so it never costs a login
    /// nor the current token; a 401 for the current token costs one re-login from this
    /// request's budget, and when the budget is spent the request fails instead of looping.
    pub fn after_unauthorized(
        &mut self,
        sent_with: u32,
        generation: u32,
        renewable: bool,
        max_relogins: u32,
    ) -> Retry {
        let unauthorized = Error::Unauthorized { relogins: self.relogins };
        if sent_with < generation {
            return if renewable { Retry::Resend } else { Retry::Fail(unauthorized) };
        }
        if self.relogins >= max_relogins {
            return Retry::Fail(unauthorized);
        }
        self.relogins += 1;
        Retry::Relogin
    }
}
