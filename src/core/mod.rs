//! The sans-IO core: plain Rust, no JS, no clock, no timers, no allocation. Time comes in as
//! `now` (ms since the epoch, as `Date.now()` gives it); work goes out as [`Action`]s.

pub mod backoff;
pub mod error;
pub mod interface;
pub mod machine;
pub mod queue;
pub mod request;
pub mod token;

pub use error::{Error, ExchangeProblem};
pub use interface::{
    Action, Admission, Config, Event, Grant, Next, Outcome, State, Stored, TokenField, Verdict,
    Warning,
};
pub use machine::Machine;
pub use request::{Retry, Sent};
pub use token::{Lifetime, Seconds};
