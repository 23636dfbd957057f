//! mp-login: the login layer for WeChat mini programs.
//!
//! [`core`] is a sans-IO state machine (events and `now` in, actions out), tested natively.
//! The rest adapts it to JS: [`platform`] binds the hooks `js/` provides, `driver` performs the
//! machine's actions through them, and `wasm` holds the exports.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod core;
mod convert;
mod driver;
pub mod platform;
mod wasm;

pub use crate::wasm::Core;
