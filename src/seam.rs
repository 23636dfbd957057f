//! The seam: the wasm's exports, numbers in and numbers out. One machine per wasm instance
//! (JS instantiates the module once per session), so no call names a session and no state
//! needs an allocator.
//!
//! Every input returns its decision directly and leaves the actions it caused in `OUTBOX`, a
//! static block of f64s that JS reads through a typed-array view of the instance's memory
//! (reading memory is not a call across the boundary): `OUTBOX[0]` is the number of actions,
//! then four numbers an action, `[kind, a, b, c]`, decoded in `js/core.js`.
// `no_mangle` is what makes these wasm exports; nothing here dereferences a pointer.
#![allow(unsafe_code)]

use core::ptr::addr_of_mut;

use crate::core::queue::CAPACITY;
use crate::core::{
    Action, Config, Error, Event, Grant, Machine, Next, Outcome, Seconds, Sent,
    Stored, TokenField, Verdict,
};

const SLOTS: usize = 1 + 4 * CAPACITY;

// One instance's state. Plain statics: an instance runs on one thread, and the module imports
// nothing, so no JS runs while an export runs and no export can re-enter another; each export
// takes the only reference for its duration (checked cells would cost code for a case that
// cannot happen).
static mut MACHINE: Machine = Machine::new(Config::DEFAULT);
static mut OUTBOX: [f64; SLOTS] = [0.0; SLOTS];

fn machine() -> &'static mut Machine {
    // SAFETY: see above: single-threaded, no re-entry, one live reference at a time.
    unsafe { &mut *addr_of_mut!(MACHINE) }
}

fn outbox() -> &'static mut [f64; SLOTS] {
    // SAFETY: as for `machine`.
    unsafe { &mut *addr_of_mut!(OUTBOX) }
}

/// Action kinds on the wire; `js/core.js` names the same numbers.
mod kind {
    pub const READ_STORAGE: f64 = 0.0;
    pub const WRITE_STORAGE: f64 = 1.0;
    pub const CLEAR_STORAGE: f64 = 2.0;
    pub const WX_LOGIN: f64 = 3.0;
    pub const EXCHANGE: f64 = 4.0;
    pub const CHECK_SESSION: f64 = 5.0;
    pub const VERIFY: f64 = 6.0;
    pub const RELEASE: f64 = 7.0;
    pub const REJECT_WAITING: f64 = 8.0;
    pub const EMIT: f64 = 9.0;
    pub const REFUSE: f64 = 10.0;
}

/// `[kind, a, b, c]` for one action.
fn encode(action: Action) -> [f64; 4] {
    let n = f64::from;
    let error = |e: Error| {
        let (code, detail) = e.wire();
        (n(code), n(detail))
    };
    match action {
        Action::ReadStorage => [kind::READ_STORAGE, 0.0, 0.0, 0.0],
        Action::WriteStorage(token) => {
            [kind::WRITE_STORAGE, token.create_time_s, token.expires_in_s.unwrap_or(f64::NAN), 0.0]
        }
        Action::ClearStorage { refused_only } => [kind::CLEAR_STORAGE, n(u32::from(refused_only)), 0.0, 0.0],
        Action::WxLogin { login } => [kind::WX_LOGIN, n(login), 0.0, 0.0],
        Action::Exchange { login } => [kind::EXCHANGE, n(login), 0.0, 0.0],
        Action::CheckSession { check } => [kind::CHECK_SESSION, n(check), 0.0, 0.0],
        Action::Verify { check } => [kind::VERIFY, n(check), 0.0, 0.0],
        Action::Release { generation } => [kind::RELEASE, n(generation), 0.0, 0.0],
        Action::RejectWaiting(e) => {
            let (code, detail) = error(e);
            [kind::REJECT_WAITING, code, detail, 0.0]
        }
        Action::Refuse { error: e, failures, retry_in_ms } => {
            let (code, _) = error(e);
            [kind::REFUSE, code, n(failures), retry_in_ms]
        }
        Action::Emit(event) => {
            let (b, c) = match event {
                Event::State { new, old } => (n(new as u32), n(old as u32)),
                Event::Error(e) => error(e),
                Event::Warning(warning) => (n(warning as u32), 0.0),
                Event::Login | Event::Logout | Event::Expired => (0.0, 0.0),
            };
            [kind::EMIT, n(event.index()), b, c]
        }
    }
}

/// Runs `input` on the machine, then moves the actions it caused into `OUTBOX`.
fn with_machine<T>(input: impl FnOnce(&mut Machine) -> T) -> T {
    let machine = machine();
    let result = input(machine);
    let outbox = outbox();
    let mut count = 0;
    while let Some(action) = machine.poll_action() {
        outbox[1 + 4 * count..5 + 4 * count].copy_from_slice(&encode(action));
        count += 1;
    }
    outbox[0] = count as f64;
    result
}

fn seconds(kind: u32, value: f64) -> Seconds {
    match kind {
        0 => Seconds::Missing,
        1 => Seconds::Number(value),
        _ => Seconds::NotNumber,
    }
}

fn token_field(kind: u32) -> TokenField {
    match kind {
        0 => TokenField::Text,
        1 => TokenField::Empty,
        3 => TokenField::Unsendable,
        _ => TokenField::NotText,
    }
}

/// Starts this instance's machine afresh; returns where `OUTBOX` is in memory.
#[no_mangle]
pub extern "C" fn init(leeway_s: f64, max_relogins: u32, check_session: u32, verify: u32) -> usize {
    let config = Config { leeway_s, max_relogins, check_session: check_session != 0, verify: verify != 0 };
    machine().configure(config);
    outbox().as_ptr() as usize
}

/// A new caller: 0 go now (with the newest token), 1 wait.
#[no_mangle]
pub extern "C" fn call(now: f64) -> u32 {
    with_machine(|machine| machine.handle_call(now)) as u32
}

/// The state at `now` (an index into `STATES`), changing nothing.
#[no_mangle]
pub extern "C" fn state(now: f64) -> u32 {
    machine().state_at(now) as u32
}

/// When the held token expires, ms since the epoch; NaN when there is none or no limit.
#[no_mangle]
pub extern "C" fn expires_at() -> f64 {
    machine().token().and_then(|t| t.expires_at_ms()).unwrap_or(f64::NAN)
}

/// The stored record (`found` 0: nothing or not an object); returns the restored generation.
#[no_mangle]
pub extern "C" fn restored(found: u32, token: u32, created: f64, kind: u32, expires: f64, now: f64) -> u32 {
    let stored = (found != 0).then(|| Stored {
        token_is_text: token_field(token) == TokenField::Text,
        create_time_s: created,
        expires_in: seconds(kind, expires),
    });
    with_machine(|machine| machine.handle_restored(stored, now))
}

/// wx.login answered: `failure` is 0 for a code, else the failure's code index + 1.
#[no_mangle]
pub extern "C" fn code(login: u32, failure: u32, now: f64) {
    let result = if failure == 0 { Ok(()) } else { Err(Error::from_failure(failure - 1)) };
    with_machine(|machine| machine.handle_code(login, result, now));
}

/// The exchange answered (`failure` as for `code`); returns the new token's generation or 0.
#[no_mangle]
pub extern "C" fn exchanged(login: u32, failure: u32, token: u32, kind: u32, expires: f64, session_key: u32, now: f64) -> u32 {
    let grant = if failure == 0 {
        Ok(Grant { token: token_field(token), expires_in: seconds(kind, expires), has_session_key: session_key != 0 })
    } else {
        Err(Error::from_failure(failure - 1))
    };
    with_machine(|machine| machine.handle_exchanged(login, grant, now))
}

/// wx.checkSession answered.
#[no_mangle]
pub extern "C" fn checked(check: u32, alive: u32, now: f64) {
    with_machine(|machine| machine.handle_check_session(check, alive != 0, now));
}

/// The verify request answered: 0 valid, 1 invalid, 2 no answer.
#[no_mangle]
pub extern "C" fn verified(check: u32, verdict: u32, now: f64) {
    let verdict = match verdict {
        0 => Verdict::Valid,
        1 => Verdict::Invalid,
        _ => Verdict::Unknown,
    };
    with_machine(|machine| machine.handle_verified(check, verdict, now));
}

/// A request's attempt answered (outcome 0 answered, 1 unauthorized, 2 no response). Returns
/// `next | code << 4 | detail << 8`: next 0 settle, 1 send, 2 wait, 3 re-login, 4 fail.
#[no_mangle]
pub extern "C" fn response(generation: u32, relogins: u32, outcome: u32, now: f64) -> u32 {
    let outcome = match outcome {
        0 => Outcome::Answered,
        1 => Outcome::Unauthorized,
        _ => Outcome::NoResponse,
    };
    let sent = Sent { generation, relogins };
    match with_machine(|machine| machine.handle_response(sent, outcome, now)) {
        Next::Settle => 0,
        Next::Send => 1,
        Next::Wait => 2,
        Next::Relogin => 3,
        Next::Fail(error) => {
            let (code, detail) = error.wire();
            4 | code << 4 | detail << 8
        }
    }
}

/// Reading or writing storage threw.
#[no_mangle]
pub extern "C" fn storage_failed() {
    with_machine(Machine::handle_storage_failed);
}

/// `logout()`.
#[no_mangle]
pub extern "C" fn logout() {
    with_machine(Machine::handle_logout);
}
