//! mp-login: the login layer for mini programs.
//!
//! [`core`] is a sans-IO state machine: events and `now` in, decisions and actions out, all of
//! them numbers. The JS bindings (`js/`) own every JS value (callers, options, responses, the
//! token text) and perform the actions; `seam` is the thin set of wasm exports between the two.
#![deny(missing_docs)]
// `deny`, not `forbid`: the seam's `#[no_mangle]` exports are the one place allowed it.
#![deny(unsafe_code)]

pub mod core;
#[cfg(target_arch = "wasm32")]
mod seam;
