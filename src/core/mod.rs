//! The sans-IO core: plain Rust, no JS, no clock, no timers. Time comes in as `now` (ms since
//! the epoch, as `Date.now()` gives it); work goes out as [`Action`]s.

pub mod error;
pub mod ids;
pub mod interface;
pub mod machine;
pub mod raw;
pub mod record;
pub mod request;
pub mod token;

pub use error::Error;
pub use interface::{Action, Config, Event, Grant, Outcome, State, Verdict};
pub use machine::Machine;
pub use raw::Raw;
pub use record::StoredFields;
pub use request::RequestId;
pub use token::Token;
