//! THE backoff rule for failed logins: a login that failed once may be retried at once (a
//! transient failure, a user who taps again); from the second failure in a row the next login
//! waits 1 s, then 2, 4, 8, and 10 s at most (a user who retries is not kept out long), and
//! callers that need a login before then fail at once with the last failure's error instead of
//! calling wx.login. A login that succeeds clears it.
//! Without it, an 'error' listener that calls ensureLogin() spins wx.login as fast as it fails.

use super::error::Error;
use super::interface::Action;

/// The longest a failed login holds the next one back.
pub const MAX_BACKOFF_MS: f64 = 10_000.0;

/// Failed logins in a row, and what they mean for the next one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    failures: u32,
    last: Option<Error>,
    retry_at_ms: f64,
}

impl Backoff {
    /// No failure since the last login that worked.
    pub const NONE: Backoff = Backoff { failures: 0, last: None, retry_at_ms: 0.0 };

    /// After a login failed with `error` at `now_ms`.
    pub fn after_failure(self, error: Error, now_ms: f64) -> Backoff {
        let failures = self.failures.saturating_add(1);
        let wait_ms = match failures {
            1 => 0.0,
            n => (1000.0 * f64::from(1u32 << (n - 2).min(15))).min(MAX_BACKOFF_MS),
        };
        Backoff { failures, last: Some(error), retry_at_ms: now_ms + wait_ms }
    }

    /// What the callers waiting for a login get at `now_ms` instead of one, if it is too soon.
    pub fn refusal(&self, now_ms: f64) -> Option<Action> {
        let error = self.last?;
        (now_ms < self.retry_at_ms).then(|| Action::Refuse {
            error,
            failures: self.failures,
            retry_in_ms: self.retry_at_ms - now_ms,
        })
    }
}
