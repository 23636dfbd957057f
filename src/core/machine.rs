//! The login state machine. Events come in through `handle_*` with the current time; what to do
//! comes out of `poll_action`, in order. It never reads a clock, touches storage or sends, and
//! it keeps nothing per caller: JS holds the callers and hands back what the rules need.

use super::error::Error;
use super::interface::{
    Action, Admission, Config, Event, Grant, Next, Outcome, State, Stored, Verdict, Warning,
};
use super::backoff::Backoff;
use super::queue::Outbox;
use super::request::{Retry, Sent};
use super::token::Lifetime;

#[derive(Debug)]
enum Phase {
    NoToken,
    Checking(Checking),
    LoggingIn(LoggingIn),
    Authenticated(Lifetime),
    Expired(Lifetime),
}

#[derive(Debug)]
struct Checking {
    token: Lifetime,
    check: u32,
    awaiting: Check,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Session,
    Verify,
}

#[derive(Debug)]
struct LoggingIn {
    login: u32,
    awaiting: LoginStep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginStep {
    Code,
    Exchange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Restore {
    NotAsked,
    Reading,
    Done,
    /// Reading again before a re-login.
    Rereading,
}

impl Phase {
    fn state(&self) -> State {
        match self {
            Phase::NoToken => State::NoToken,
            Phase::Checking(_) => State::Checking,
            Phase::LoggingIn(_) => State::LoggingIn,
            Phase::Authenticated(_) => State::Authenticated,
            Phase::Expired(_) => State::Expired,
        }
    }

    fn token(&self) -> Option<&Lifetime> {
        match self {
            Phase::Authenticated(token) | Phase::Expired(token) => Some(token),
            Phase::Checking(checking) => Some(&checking.token),
            Phase::NoToken | Phase::LoggingIn(_) => None,
        }
    }
}

/// A session's login state machine.
#[derive(Debug)]
pub struct Machine {
    config: Config,
    phase: Phase,
    restore: Restore,
    /// Counts tokens held so far (and logouts); JS sends with the token of a generation.
    generation: u32,
    logins: u32,
    checks: u32,
    /// Someone waits for a `Release` or `RejectWaiting`.
    waiting: bool,
    /// Storage holds the current token's record (so a refusal must take it out).
    stored: bool,
    /// How long failed logins hold the next one back.
    backoff: Backoff,
    actions: Outbox,
}

impl Machine {
    /// A machine that has not looked at storage yet; the first caller makes it.
    pub const fn new(config: Config) -> Machine {
        Machine {
            config,
            phase: Phase::NoToken,
            restore: Restore::NotAsked,
            generation: 0,
            logins: 0,
            checks: 0,
            waiting: false,
            stored: false,
            backoff: Backoff::NONE,
            actions: Outbox::new(),
        }
    }

    /// Sets the settings of a machine that has had no input yet (a fresh wasm instance's
    /// static machine).
    pub fn configure(&mut self, config: Config) {
        self.config = config;
    }

    /// The current state, as the last input left it.
    pub fn state(&self) -> State {
        self.phase.state()
    }

    /// The state as of `now`, without changing anything: a token that is no longer fresh
    /// reads as expired before the next input moves the machine (and tells listeners).
    pub fn state_at(&self, now: f64) -> State {
        match &self.phase {
            Phase::Authenticated(token) if !token.is_fresh(now, self.config.leeway_s) => {
                State::Expired
            }
            phase => phase.state(),
        }
    }

    /// The held token's lifetime, fresh or not; `None` in `NoToken` and `LoggingIn`.
    pub fn token(&self) -> Option<&Lifetime> {
        self.phase.token()
    }

    /// The generation of the newest token (JS sends with the token of this generation).
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The next thing to do, if any.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop()
    }

    /// A request, `start()` or `ensureLogin()`: go now with the current token, or wait.
    pub fn handle_call(&mut self, now: f64) -> Admission {
        if self.restore == Restore::Done {
            self.expire_if_stale(now);
            if let Phase::Authenticated(_) = self.phase {
                return Admission::Go;
            }
        }
        self.wait(now);
        Admission::Wait
    }

    /// The answer to `ReadStorage`: the stored record's fields, or `None` (nothing or garbage).
    /// Returns the generation the restored token now has, 0 when nothing was restored.
    pub fn handle_restored(&mut self, stored: Option<Stored>, now: f64) -> u32 {
        if self.restore == Restore::Rereading {
            self.restore = Restore::Done;
            return self.take_newer(stored, now);
        }
        if self.restore != Restore::Reading {
            return 0;
        }
        self.restore = Restore::Done;
        let mut adopted = 0;
        if let Some(token) = stored.as_ref().and_then(Lifetime::restore) {
            self.generation += 1;
            self.stored = true;
            adopted = self.generation;
            if !token.is_fresh(now, self.config.leeway_s) {
                self.transition(|_| Phase::Expired(token));
                self.emit(Event::Expired);
            } else if self.config.check_session {
                self.begin_check(token, Check::Session);
            } else if self.config.verify {
                self.begin_check(token, Check::Verify);
            } else {
                self.transition(|_| Phase::Authenticated(token));
            }
        }
        self.advance(now);
        adopted
    }

    /// The answer to `WxLogin`: a code (which JS keeps), or why there is none.
    pub fn handle_code(&mut self, login: u32, code: Result<(), Error>, now: f64) {
        if !self.is_logging_in(login, LoginStep::Code) {
            return;
        }
        match code {
            Ok(()) => {
                if let Phase::LoggingIn(state) = &mut self.phase {
                    state.awaiting = LoginStep::Exchange;
                }
                self.actions.push(Action::Exchange { login });
            }
            Err(error) => self.login_failed(error, now),
        }
    }

    /// The answer to `Exchange`. Returns the generation the new token has, 0 when it was not
    /// taken (a late answer, or one the core refused).
    pub fn handle_exchanged(&mut self, login: u32, grant: Result<Grant, Error>, now: f64) -> u32 {
        if !self.is_logging_in(login, LoginStep::Exchange) {
            return 0;
        }
        let grant = match grant {
            Ok(grant) => grant,
            Err(error) => {
                self.login_failed(error, now);
                return 0;
            }
        };
        if grant.has_session_key {
            self.emit(Event::Warning(Warning::SessionKey));
        }
        match Lifetime::from_grant(&grant, now) {
            Ok(token) => {
                self.generation += 1;
                self.stored = true;
                self.backoff = Backoff::NONE;
                self.actions.push(Action::WriteStorage(token));
                self.transition(|_| Phase::Authenticated(token));
                self.emit(Event::Login);
                self.advance(now);
                self.generation
            }
            Err(error) => {
                self.login_failed(error, now);
                0
            }
        }
    }

    /// The answer to `CheckSession`. Success only says WeChat's session_key is alive: it
    /// proves nothing about our token, which local expiry and 401s still judge.
    pub fn handle_check_session(&mut self, check: u32, alive: bool, now: f64) {
        if !self.is_checking(check, Check::Session) {
            return;
        }
        if !alive {
            self.reject_token();
        } else if self.config.verify {
            if let Phase::Checking(state) = &mut self.phase {
                state.awaiting = Check::Verify;
            }
            self.actions.push(Action::Verify { check });
            return;
        } else {
            self.authenticate_checked();
        }
        self.advance(now);
    }

    /// The answer to `Verify`.
    pub fn handle_verified(&mut self, check: u32, verdict: Verdict, now: f64) {
        if !self.is_checking(check, Check::Verify) {
            return;
        }
        match verdict {
            Verdict::Valid | Verdict::Unknown => self.authenticate_checked(),
            Verdict::Invalid => self.reject_token(),
        }
        self.advance(now);
    }

    /// The answer to a request's attempt, with what JS remembers of that attempt. JS delivers
    /// each attempt's answer once.
    pub fn handle_response(&mut self, sent: Sent, outcome: Outcome, now: f64) -> Next {
        match outcome {
            Outcome::Answered => Next::Settle,
            Outcome::NoResponse => Next::Fail(Error::Network),
            Outcome::Unauthorized => {
                let renewable = self.state() != State::NoToken;
                let retry =
                    sent.after_unauthorized(self.generation, renewable, self.config.max_relogins);
                // A 401 for the current token drops it, whether or not this request may retry:
                // maxRelogins bounds the retries, never how long a refused token is kept.
                if sent.generation == self.generation {
                    self.reject_token();
                }
                match retry {
                    Retry::Fail(error) => Next::Fail(error),
                    Retry::Relogin => {
                        self.wait(now);
                        Next::Relogin
                    }
                    Retry::Resend => match self.handle_call(now) {
                        Admission::Go => Next::Send,
                        Admission::Wait => Next::Wait,
                    },
                }
            }
        }
    }

    /// Writing or reading storage failed: the session goes on in memory.
    pub fn handle_storage_failed(&mut self) {
        self.emit(Event::Error(Error::Storage));
    }

    /// `logout()`: forget the token everywhere; late answers to older work are ignored.
    pub fn handle_logout(&mut self) {
        self.restore = Restore::Done;
        self.generation += 1;
        self.stored = false;
        self.transition(|_| Phase::NoToken);
        // Whatever storage holds, a record of ours or not: nothing may restore after a logout.
        self.actions.push(Action::ClearStorage { refused_only: false });
        self.emit(Event::Logout);
        self.reject_waiting(Error::LoggedOut);
    }

    /// Someone now waits for a token: read storage first, else log in if nothing is running.
    fn wait(&mut self, now: f64) {
        self.waiting = true;
        if self.restore == Restore::NotAsked {
            self.restore = Restore::Reading;
            self.actions.push(Action::ReadStorage);
        }
        self.advance(now);
    }

    /// Moves waiting callers on as far as the current phase allows.
    fn advance(&mut self, now: f64) {
        if self.restore != Restore::Done {
            return;
        }
        self.expire_if_stale(now);
        match self.phase {
            Phase::Authenticated(_) if self.waiting => {
                self.waiting = false;
                self.actions.push(Action::Release { generation: self.generation });
            }
            // A token was held before: another session on the same storage key (a session per
            // page) may have stored a newer one since, so storage is asked again first.
            Phase::NoToken | Phase::Expired(_) if self.waiting && self.generation > 0 => {
                self.restore = Restore::Rereading;
                self.actions.push(Action::ReadStorage);
            }
            Phase::NoToken | Phase::Expired(_) if self.waiting => self.login_or_refuse(now),
            _ => {}
        }
    }

    /// The answer to the re-read before a re-login: a fresh token another session stored (JS
    /// answers `None` for the very token this session held), else the login goes ahead.
    fn take_newer(&mut self, stored: Option<Stored>, now: f64) -> u32 {
        match stored.as_ref().and_then(Lifetime::restore) {
            Some(token) if token.is_fresh(now, self.config.leeway_s) => {
                self.generation += 1;
                self.stored = true;
                self.transition(|_| Phase::Authenticated(token));
                self.advance(now);
                self.generation
            }
            _ => {
                if self.waiting {
                    self.login_or_refuse(now);
                }
                0
            }
        }
    }

    fn login_or_refuse(&mut self, now: f64) {
        match self.backoff.refusal(now) {
            Some(refusal) => {
                self.waiting = false;
                self.actions.push(refusal);
            }
            None => self.start_login(),
        }
    }

    fn expire_if_stale(&mut self, now: f64) {
        if matches!(&self.phase, Phase::Authenticated(t) if !t.is_fresh(now, self.config.leeway_s))
        {
            self.expire();
        }
    }

    fn reject_waiting(&mut self, error: Error) {
        if self.waiting {
            self.waiting = false;
            self.actions.push(Action::RejectWaiting(error));
        }
    }

    fn start_login(&mut self) {
        self.logins += 1;
        let login = self.logins;
        self.transition(|_| Phase::LoggingIn(LoggingIn { login, awaiting: LoginStep::Code }));
        self.actions.push(Action::WxLogin { login });
    }

    fn login_failed(&mut self, error: Error, now: f64) {
        self.backoff = self.backoff.after_failure(error, now);
        self.transition(|_| Phase::NoToken);
        self.emit(Event::Error(error));
        self.reject_waiting(error);
    }

    fn begin_check(&mut self, token: Lifetime, awaiting: Check) {
        self.checks += 1;
        let check = self.checks;
        let action = match awaiting {
            Check::Session => Action::CheckSession { check },
            Check::Verify => Action::Verify { check },
        };
        self.transition(|_| Phase::Checking(Checking { token, check, awaiting }));
        self.actions.push(action);
    }

    fn authenticate_checked(&mut self) {
        self.transition(|phase| match phase {
            Phase::Checking(checking) => Phase::Authenticated(checking.token),
            other => other,
        });
    }

    /// The held token can no longer be used: keep it only as the record of what expired.
    fn expire(&mut self) {
        if !matches!(self.phase, Phase::Authenticated(_) | Phase::Checking(_)) {
            return;
        }
        self.transition(|phase| match phase {
            Phase::Authenticated(token) => Phase::Expired(token),
            Phase::Checking(checking) => Phase::Expired(checking.token),
            other => other,
        });
        self.emit(Event::Expired);
    }

    /// The server (or WeChat) refused the current token: besides expiring it (if still held),
    /// take it out of storage, so a restart before the next login succeeds does not restore it.
    fn reject_token(&mut self) {
        self.expire();
        if self.stored {
            self.stored = false;
            self.actions.push(Action::ClearStorage { refused_only: true });
        }
    }

    fn is_logging_in(&self, login: u32, step: LoginStep) -> bool {
        matches!(&self.phase, Phase::LoggingIn(s) if s.login == login && s.awaiting == step)
    }

    fn is_checking(&self, check: u32, step: Check) -> bool {
        matches!(&self.phase, Phase::Checking(s) if s.check == check && s.awaiting == step)
    }

    fn transition(&mut self, next: impl FnOnce(Phase) -> Phase) {
        let old = core::mem::replace(&mut self.phase, Phase::NoToken);
        let old_state = old.state();
        self.phase = next(old);
        let new_state = self.phase.state();
        if old_state != new_state {
            self.emit(Event::State { new: new_state, old: old_state });
        }
    }

    fn emit(&mut self, event: Event) {
        self.actions.push(Action::Emit(event));
    }
}
