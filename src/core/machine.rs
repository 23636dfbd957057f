//! The login state machine. Events come in through `handle_*` with the current time; what to do
//! comes out of `poll_action`, in order. It never reads a clock, touches storage or sends.

use std::collections::VecDeque;

use super::error::Error;
use super::ids::IdMap;
use super::interface::{
    Action, Config, Event, Grant, Outcome, State, Verdict, SESSION_KEY_WARNING,
};
use super::record::{self, StoredFields};
use super::request::{Kind, Pending, RequestId, Retry};
use super::token::Token;

#[derive(Debug)]
enum Phase {
    NoToken,
    Checking(Checking),
    LoggingIn(LoggingIn),
    Authenticated(Token),
    Expired(Token),
}

#[derive(Debug)]
struct Checking {
    token: Token,
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

    fn token(&self) -> Option<&Token> {
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
    /// Counts tokens held so far; a request remembers the generation it was sent with.
    generation: u32,
    next_id: RequestId,
    logins: u32,
    checks: u32,
    pending: IdMap<Pending>,
    /// Callers waiting for a fresh token, oldest first.
    waiting: VecDeque<RequestId>,
    actions: VecDeque<Action>,
}

impl Machine {
    /// A machine that has not looked at storage yet; the first caller makes it.
    pub fn new(config: Config) -> Machine {
        Machine {
            config,
            phase: Phase::NoToken,
            restore: Restore::NotAsked,
            generation: 0,
            next_id: 0,
            logins: 0,
            checks: 0,
            pending: IdMap::default(),
            waiting: VecDeque::new(),
            actions: VecDeque::new(),
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.phase.state()
    }

    /// The token held, fresh or not; `None` in `NoToken` and `LoggingIn`.
    pub fn token(&self) -> Option<&Token> {
        self.phase.token()
    }

    /// Callers not yet settled.
    pub fn unsettled(&self) -> usize {
        self.pending.len()
    }

    /// The next thing to do, if any.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// `start()` / `ensureLogin()`: settled when a fresh token is held (or the login fails).
    pub fn handle_ensure(&mut self, now: f64) -> RequestId {
        self.enqueue(Kind::Waiter, now)
    }

    /// A request that needs the token.
    pub fn handle_request(&mut self, now: f64) -> RequestId {
        self.enqueue(Kind::Request, now)
    }

    /// Time passed: notice a token that expired while nobody was asking.
    pub fn handle_tick(&mut self, now: f64) {
        if self.restore == Restore::Done {
            self.advance(now);
        }
    }

    /// The answer to `ReadStorage`: the stored record's fields, or `None` (nothing or garbage).
    pub fn handle_restored(&mut self, stored: Option<StoredFields>, now: f64) {
        if self.restore != Restore::Reading {
            return;
        }
        self.restore = Restore::Done;
        if let Some(token) = record::restore(stored) {
            self.generation += 1;
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
    }

    /// The answer to `WxLogin`: the code, or why there is none.
    pub fn handle_code(&mut self, login: u32, code: Result<String, Error>) {
        if !self.is_logging_in(login, LoginStep::Code) {
            return;
        }
        match code {
            Ok(code) if !code.is_empty() => {
                if let Phase::LoggingIn(state) = &mut self.phase {
                    state.awaiting = LoginStep::Exchange;
                }
                self.actions.push_back(Action::Exchange { login, code });
            }
            Ok(_) => self.login_failed(Error::LoginFailed("wx.login gave an empty code".into())),
            Err(error) => self.login_failed(error),
        }
    }

    /// The answer to `Exchange`.
    pub fn handle_exchanged(&mut self, login: u32, grant: Result<Grant, Error>, now: f64) {
        if !self.is_logging_in(login, LoginStep::Exchange) {
            return;
        }
        let grant = match grant {
            Ok(grant) => grant,
            Err(error) => return self.login_failed(error),
        };
        if grant.has_session_key {
            self.emit(Event::Warning(SESSION_KEY_WARNING));
        }
        match Token::from_grant(grant.token, grant.expires_in, now) {
            Ok(token) => {
                self.generation += 1;
                self.actions.push_back(Action::WriteStorage(token.clone()));
                self.transition(|_| Phase::Authenticated(token));
                self.emit(Event::Login);
                self.advance(now);
            }
            Err(error) => self.login_failed(error),
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
                let token = state.token.value.clone();
                self.actions.push_back(Action::Verify { check, token });
            }
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

    /// The answer to `Send`. An answer to any attempt but the one in flight is ignored.
    pub fn handle_response(&mut self, id: RequestId, attempt: u32, outcome: Outcome, now: f64) {
        let renewable = self.state() != State::NoToken;
        let Some(pending) = self.pending.get_mut(id) else { return };
        if pending.attempts != attempt {
            return;
        }
        let Some(sent_with) = pending.sent_with.take() else { return };
        let retry = match outcome {
            Outcome::Answered => return self.settle(id, Ok(())),
            Outcome::NoResponse(message) => return self.settle(id, Err(Error::Network(message))),
            Outcome::Unauthorized => {
                pending.after_unauthorized(
                    sent_with,
                    self.generation,
                    renewable,
                    self.config.max_relogins,
                )
            }
        };
        match retry {
            Retry::Fail(error) => self.settle(id, Err(error)),
            Retry::Relogin => {
                if let Phase::Authenticated(_) = self.phase {
                    self.reject_token();
                }
                self.waiting.push_back(id);
                self.advance(now);
            }
            Retry::Resend => {
                self.waiting.push_back(id);
                self.advance(now);
            }
        }
    }

    /// Writing or reading storage failed: the session goes on in memory.
    pub fn handle_storage_failed(&mut self, message: String) {
        self.emit(Event::Error(Error::Storage(message)));
    }

    /// `logout()`: forget the token everywhere; late answers to older work are ignored.
    pub fn handle_logout(&mut self) {
        self.restore = Restore::Done;
        self.generation += 1;
        self.transition(|_| Phase::NoToken);
        self.actions.push_back(Action::ClearStorage);
        self.emit(Event::Logout);
        self.reject_waiting(Error::LoggedOut);
    }

    fn enqueue(&mut self, kind: Kind, now: f64) -> RequestId {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.pending.insert(id, Pending::new(kind));
        self.waiting.push_back(id);
        self.advance(now);
        id
    }

    /// Moves waiting callers on as far as the current phase allows.
    fn advance(&mut self, now: f64) {
        match self.restore {
            Restore::Done => {}
            Restore::NotAsked if !self.waiting.is_empty() => {
                self.restore = Restore::Reading;
                self.actions.push_back(Action::ReadStorage);
                return;
            }
            Restore::NotAsked | Restore::Reading => return,
        }
        if matches!(&self.phase, Phase::Authenticated(t) if !t.is_fresh(now, self.config.leeway_s)) {
            self.expire();
        }
        match &self.phase {
            Phase::Authenticated(token) => {
                let token = token.value.clone();
                self.release_waiting(&token);
            }
            Phase::NoToken | Phase::Expired(_) if !self.waiting.is_empty() => self.start_login(),
            _ => {}
        }
    }

    fn release_waiting(&mut self, token: &str) {
        while let Some(id) = self.waiting.pop_front() {
            let Some(pending) = self.pending.get_mut(id) else { continue };
            match pending.kind {
                Kind::Request => {
                    pending.sent_with = Some(self.generation);
                    pending.attempts += 1;
                    let attempt = pending.attempts;
                    self.actions.push_back(Action::Send { id, attempt, token: token.to_owned() });
                }
                Kind::Waiter => self.settle(id, Ok(())),
            }
        }
    }

    fn settle(&mut self, id: RequestId, result: Result<(), Error>) {
        self.pending.remove(id);
        self.actions.push_back(match result {
            Ok(()) => Action::Resolve { id },
            Err(error) => Action::Reject { id, error },
        });
    }

    fn reject_waiting(&mut self, error: Error) {
        while let Some(id) = self.waiting.pop_front() {
            self.settle(id, Err(error.clone()));
        }
    }

    fn start_login(&mut self) {
        self.logins += 1;
        let login = self.logins;
        self.transition(|_| Phase::LoggingIn(LoggingIn { login, awaiting: LoginStep::Code }));
        self.actions.push_back(Action::WxLogin { login });
    }

    fn login_failed(&mut self, error: Error) {
        self.transition(|_| Phase::NoToken);
        self.emit(Event::Error(error.clone()));
        self.reject_waiting(error);
    }

    fn begin_check(&mut self, token: Token, awaiting: Check) {
        self.checks += 1;
        let check = self.checks;
        let action = match awaiting {
            Check::Session => Action::CheckSession { check },
            Check::Verify => Action::Verify { check, token: token.value.clone() },
        };
        self.transition(|_| Phase::Checking(Checking { token, check, awaiting }));
        self.actions.push_back(action);
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

    /// The server (or WeChat) refused the held token: besides expiring it, take it out of
    /// storage, so a restart before the next login succeeds does not restore it.
    fn reject_token(&mut self) {
        self.expire();
        self.actions.push_back(Action::ClearStorage);
    }

    fn is_logging_in(&self, login: u32, step: LoginStep) -> bool {
        matches!(&self.phase, Phase::LoggingIn(s) if s.login == login && s.awaiting == step)
    }

    fn is_checking(&self, check: u32, step: Check) -> bool {
        matches!(&self.phase, Phase::Checking(s) if s.check == check && s.awaiting == step)
    }

    fn transition(&mut self, next: impl FnOnce(Phase) -> Phase) {
        let old = std::mem::replace(&mut self.phase, Phase::NoToken);
        let old_state = old.state();
        self.phase = next(old);
        let new_state = self.phase.state();
        if old_state != new_state {
            self.emit(Event::State { new: new_state, old: old_state });
        }
    }

    fn emit(&mut self, event: Event) {
        self.actions.push_back(Action::Emit(event));
    }
}
