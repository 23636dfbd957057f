//! THE retry rule: what an "unauthorized" answer to a request means.
//!
//! The core keeps no per-request state: JS keeps, for each request, the generation of the
//! token its attempt in flight carried and how many re-logins it has cost, and hands both back
//! with the answer.

use super::error::Error;

/// What JS remembers of a request's attempt in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// The generation of the token the attempt carried.
    pub generation: u32,
    /// Re-logins this request has caused or joined so far.
    pub relogins: u32,
}

/// What to do with a request the server answered "unauthorized".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The current token is bad: re-login (or join the one running), then send again; the
    /// request's re-login count goes up by one.
    Relogin,
    /// The token changed since this was sent: send again with the current one, no login.
    Resend,
    /// Give up with this error.
    Fail(Error),
}

impl Sent {
    /// The retry rule. `generation` counts tokens the session has held; `renewable` says
    /// whether there is a token (or a login running) to resend with.
    ///
    /// A 401 for an older token says nothing about the current one, so it never costs a login
    /// nor the current token; a 401 for the current token costs one re-login from this
    /// request's budget, and when the budget is spent the request fails instead of looping.
    pub fn after_unauthorized(self, generation: u32, renewable: bool, max_relogins: u32) -> Retry {
        let unauthorized = Error::Unauthorized { relogins: self.relogins };
        if self.generation < generation {
            return if renewable { Retry::Resend } else { Retry::Fail(unauthorized) };
        }
        if self.relogins >= max_relogins {
            return Retry::Fail(unauthorized);
        }
        Retry::Relogin
    }
}
