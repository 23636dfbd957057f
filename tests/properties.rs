//! Random interleavings of everything the world can do to a session, with the invariants checked
//! after every step. The machine runs inside `model::Driver`, the Rust model of `js/session.js`
//! (callers, the waiting list, the token text of each generation, storage), so what is checked
//! is what JS would do: the steps it logs. A failure shrinks to a short, readable list of `Op`s.
#![cfg(not(target_arch = "wasm32"))]

mod model;

use std::collections::{BTreeMap, BTreeSet};

use mp_login::core::{
    Config, Error, Event, ExchangeProblem, Lifetime, Outcome, Seconds, State, Stored, Verdict,
};
use model::{Answer, Driver, Record, Step, T0};
use proptest::prelude::*;

/// One thing that can happen next. Answers pick among what is outstanding, by index.
#[derive(Debug, Clone)]
enum Op {
    Request,
    Ensure,
    /// wx.login answers: a code, an empty code, or a failure.
    LoginAnswer { pick: usize, kind: u8 },
    /// The exchange answers: a good grant, one without a lifetime, a malformed one, or a failure.
    ExchangeAnswer { pick: usize, kind: u8, lifetime: u16 },
    CheckAnswer { pick: usize, alive: bool },
    VerifyAnswer { pick: usize, verdict: u8 },
    /// A sent request is answered: 2xx/5xx, unauthorized, or no response.
    Respond { pick: usize, kind: u8 },
    /// An old answer arrives again (callbacks that fire twice).
    Duplicate { pick: usize },
    StorageFails,
    Clock { seconds: i32 },
    /// Someone reads `session.state`: `state_at(now)` must change nothing.
    ReadState,
    Logout,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Request),
        1 => Just(Op::Ensure),
        3 => (any::<usize>(), 0u8..4).prop_map(|(pick, kind)| Op::LoginAnswer { pick, kind }),
        3 => (any::<usize>(), 0u8..5, 1u16..8000).prop_map(|(pick, kind, lifetime)| Op::ExchangeAnswer { pick, kind, lifetime }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, alive)| Op::CheckAnswer { pick, alive }),
        1 => (any::<usize>(), 0u8..3).prop_map(|(pick, verdict)| Op::VerifyAnswer { pick, verdict }),
        6 => (any::<usize>(), 0u8..5).prop_map(|(pick, kind)| Op::Respond { pick, kind }),
        1 => any::<usize>().prop_map(|pick| Op::Duplicate { pick }),
        1 => Just(Op::StorageFails),
        1 => (-7200i32..9000).prop_map(|seconds| Op::Clock { seconds }),
        1 => Just(Op::ReadState),
        1 => Just(Op::Logout),
    ]
}

/// The same world with the failures taken out: many requests, logins and exchanges that
/// succeed, 401s. Tokens change while requests are in flight, so 401s for an older token
/// (rare above, where most tokens are lost to failures and logouts) come often.
fn race_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Request),
        1 => Just(Op::Ensure),
        2 => any::<usize>().prop_map(|pick| Op::LoginAnswer { pick, kind: 0 }),
        2 => (any::<usize>(), 0u8..3, 3600u16..8000).prop_map(|(pick, kind, lifetime)| Op::ExchangeAnswer { pick, kind, lifetime }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, alive)| Op::CheckAnswer { pick, alive }),
        1 => (any::<usize>(), 0u8..3).prop_map(|(pick, verdict)| Op::VerifyAnswer { pick, verdict }),
        8 => (any::<usize>(), 0u8..4).prop_map(|(pick, kind)| Op::Respond { pick, kind }),
        1 => any::<usize>().prop_map(|pick| Op::Duplicate { pick }),
        1 => (-60i32..600).prop_map(|seconds| Op::Clock { seconds }),
        1 => Just(Op::ReadState),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (0u32..3, any::<bool>(), any::<bool>(), 0u32..120).prop_map(|(max, check, verify, leeway)| Config {
        leeway_s: f64::from(leeway),
        max_relogins: max,
        check_session: check,
        verify,
    })
}

/// What the world starts with in storage: nothing, a record this library would have written
/// (fresh, stale, from the future, without a lifetime), or garbage of several kinds.
fn stored_record() -> impl Strategy<Value = Option<Record>> {
    let written_at = |age: f64| T0 / 1000.0 - age;
    prop_oneof![
        2 => Just(None),
        4 => (-100.0f64..10_000.0, 1u16..8000)
            .prop_map(move |(age, lifetime)| Some(Record::new("restored", written_at(age), f64::from(lifetime)))),
        1 => (-100.0f64..10_000.0).prop_map(move |age| Some(Record {
            token: Some("restored".into()),
            create_time_s: written_at(age),
            expires_in: Seconds::Missing,
        })),
        1 => prop_oneof![
            Just(Record { token: None, create_time_s: f64::NAN, expires_in: Seconds::NotNumber }),
            Just(Record { token: Some(String::new()), create_time_s: T0 / 1000.0, expires_in: Seconds::Number(3600.0) }),
            Just(Record { token: Some("restored".into()), create_time_s: 0.0, expires_in: Seconds::Number(3600.0) }),
            Just(Record { token: Some("restored".into()), create_time_s: f64::INFINITY, expires_in: Seconds::Missing }),
            Just(Record { token: Some("restored".into()), create_time_s: T0 / 1000.0, expires_in: Seconds::Number(-1.0) }),
            Just(Record { token: Some("restored".into()), create_time_s: T0 / 1000.0, expires_in: Seconds::Number(f64::NAN) }),
            Just(Record { token: Some("restored".into()), create_time_s: T0 / 1000.0, expires_in: Seconds::Number(1e12) }),
        ].prop_map(Some),
    ]
}

/// A record's fields as `js/storage-record.js` decodes them (the model's own is private).
fn fields(record: &Record) -> Stored {
    Stored {
        token_is_text: record.token.as_deref().is_some_and(|t| !t.is_empty()),
        create_time_s: record.create_time_s,
        expires_in: record.expires_in,
    }
}

/// What was delivered, so it can be delivered again.
#[derive(Debug, Clone)]
enum Delivered {
    Code(u32, Result<String, Error>),
    Response(usize, u32, Outcome),
}

/// What the world saw of one caller.
#[derive(Default, Debug)]
struct Watch {
    settled: u32,
    sends: u32,
    /// 401s to attempts that carried the machine's current generation.
    fresh_unauthorized: u32,
    rejected_unauthorized: bool,
    /// The last attempt answered, and how.
    last_answer: Option<(u32, Outcome)>,
}

/// Set while a 401 for an older token is handled while the current one is fresh: no login may
/// start, the current token must stay and stay stored.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    token: Option<(String, u32)>,
    storage: Option<Record>,
}

/// The world around the driver: outstanding work, the clock, and what was observed.
struct World {
    driver: Driver,
    config: Config,
    /// Whether storage holds what the machine wrote (the world may start with garbage there).
    written: bool,
    reads: u32,
    /// Logins awaiting wx.login's code, and awaiting the exchange (by login).
    logins: Vec<u32>,
    exchanges: Vec<u32>,
    /// Checks awaiting wx.checkSession, and awaiting verify (by check).
    checks: Vec<u32>,
    verifies: Vec<u32>,
    /// Logins and checks a logout left behind: their answers may still come, and must not count.
    abandoned_logins: BTreeSet<u32>,
    abandoned_checks: BTreeSet<u32>,
    /// Sends in flight: (caller, attempt).
    in_flight: Vec<(usize, u32)>,
    delivered: Vec<Delivered>,
    codes_issued: u32,
    /// The code wx.login gave each login.
    codes: BTreeMap<u32, String>,
    codes_exchanged: BTreeSet<String>,
    stale_answer_keeps: Option<Kept>,
    /// Tokens the server or WeChat refused: none may stay in storage.
    rejected: BTreeSet<String>,
    /// The state listeners were last told of.
    heard: State,
    callers: BTreeMap<usize, Watch>,
}

impl World {
    fn new(config: Config, stored: Option<Record>) -> World {
        let mut driver = Driver::new(config);
        driver.storage = stored;
        World {
            driver,
            config,
            written: false,
            reads: 0,
            logins: vec![],
            exchanges: vec![],
            checks: vec![],
            verifies: vec![],
            abandoned_logins: BTreeSet::new(),
            abandoned_checks: BTreeSet::new(),
            in_flight: vec![],
            delivered: vec![],
            codes_issued: 0,
            codes: BTreeMap::new(),
            codes_exchanged: BTreeSet::new(),
            stale_answer_keeps: None,
            rejected: BTreeSet::new(),
            heard: State::NoToken,
            callers: BTreeMap::new(),
        }
    }

    /// Reads what the driver did since the last input, checking each step as it comes.
    fn collect(&mut self) -> Result<(), TestCaseError> {
        for step in self.driver.steps() {
            match step {
                Step::ReadStorage => {
                    // Once at the start, and again only before a re-login (a token was held).
                    self.reads += 1;
                    prop_assert!(self.reads == 1 || self.driver.machine.generation() > 0, "storage read again before any token");
                    prop_assert_eq!(self.live_logins(), 0, "storage read while a login was running");
                }
                Step::WriteStorage(record) => {
                    prop_assert_eq!(
                        Lifetime::restore(&fields(&record)),
                        self.driver.machine.token().copied(),
                        "the record written does not restore to the token held"
                    );
                    prop_assert_eq!(record.token.as_deref(), self.driver.token_text(), "the record written is not the current token");
                    prop_assert!(self.stale_answer_keeps.is_none(), "a 401 for an older token rewrote storage");
                    self.written = true;
                }
                Step::ClearStorage => {
                    prop_assert!(self.stale_answer_keeps.is_none(), "a 401 for an older token cleared storage");
                    self.written = false;
                }
                Step::WxLogin { login } => {
                    prop_assert_eq!(self.live_logins(), 0, "a second login started while one was in flight");
                    prop_assert!(self.stale_answer_keeps.is_none(), "a 401 for an older token started a login");
                    self.logins.push(login);
                }
                Step::Exchange { login, code } => {
                    prop_assert_eq!(Some(&code), self.codes.get(&login), "login {} exchanged a code it was not given", login);
                    prop_assert!(self.codes_exchanged.insert(code.clone()), "code {} exchanged twice", code);
                    self.exchanges.push(login);
                }
                Step::CheckSession { check } => self.checks.push(check),
                Step::Verify { check, token } => {
                    prop_assert_eq!(Some(token.as_str()), self.driver.token_text(), "verify asked about another token");
                    self.verifies.push(check);
                }
                Step::Send { id, attempt, token } => {
                    let generation = self.driver.machine.generation();
                    prop_assert_eq!(
                        self.driver.token.clone(),
                        Some((token, generation)),
                        "request {} sent with a token that is not the current one",
                        id
                    );
                    prop_assert!(self.holds_fresh_token(), "request {} sent with a token that is not fresh", id);
                    prop_assert!(
                        !self.in_flight.iter().any(|(i, _)| *i == id),
                        "request {} sent while an attempt of it was in flight",
                        id
                    );
                    let caller = self.callers.entry(id).or_default();
                    prop_assert_eq!(caller.settled, 0, "request {} sent after it was settled", id);
                    caller.sends += 1;
                    prop_assert_eq!(attempt, caller.sends, "attempts are numbered from 1");
                    if attempt > 1 {
                        prop_assert_eq!(
                            caller.last_answer,
                            Some((attempt - 1, Outcome::Unauthorized)),
                            "request {} re-sent without an unauthorized answer to its previous attempt",
                            id
                        );
                    }
                    self.in_flight.push((id, attempt));
                }
                Step::Resolve { id } => {
                    if !self.driver.callers[id].request {
                        prop_assert!(self.holds_fresh_token(), "ensureLogin {} resolved without a fresh token", id);
                    }
                    self.settle(id, None)?;
                }
                Step::Reject { id, error } => self.settle(id, Some(error))?,
                Step::Emit(Event::State { new, old }) => {
                    prop_assert_eq!(old, self.heard, "a state change from a state listeners were not told of");
                    prop_assert_ne!(new, old);
                    self.heard = new;
                }
                Step::Emit(_) => {}
                Step::Refused { .. } => {
                    prop_assert_eq!(self.live_logins(), 0, "callers refused while a login was running");
                    prop_assert!(self.stale_answer_keeps.is_none(), "a 401 for an older token refused callers");
                }
            }
        }
        Ok(())
    }

    fn settle(&mut self, id: usize, error: Option<Error>) -> Result<(), TestCaseError> {
        let request = self.driver.callers[id].request;
        let relogins = self.driver.callers[id].relogins;
        let max = self.config.max_relogins;
        let caller = self.callers.entry(id).or_default();
        caller.settled += 1;
        prop_assert_eq!(caller.settled, 1, "caller {} settled twice", id);
        match error {
            Some(Error::Unauthorized { relogins: told }) => {
                prop_assert!(request, "ensureLogin {} failed as unauthorized", id);
                prop_assert_eq!(told, relogins, "request {} failed telling a wrong re-login count", id);
                prop_assert!(told <= max, "request {} re-logged in {} times, max {}", id, told, max);
                caller.rejected_unauthorized = true;
            }
            Some(Error::Network) => prop_assert!(request, "ensureLogin {} failed with a network error", id),
            _ => {}
        }
        Ok(())
    }

    fn holds_fresh_token(&self) -> bool {
        let machine = &self.driver.machine;
        machine.state() == State::Authenticated
            && machine.token().is_some_and(|t| t.is_fresh(self.driver.now, self.config.leeway_s))
    }

    /// The held token was refused: remember its text.
    fn reject_current(&mut self) {
        self.rejected.extend(self.driver.token_text().map(String::from));
    }

    fn live_logins(&self) -> usize {
        self.logins.iter().chain(&self.exchanges).filter(|l| !self.abandoned_logins.contains(l)).count()
    }

    fn live_checks(&self) -> usize {
        self.checks.iter().chain(&self.verifies).filter(|c| !self.abandoned_checks.contains(c)).count()
    }

    fn invariants(&self) -> Result<(), TestCaseError> {
        let machine = &self.driver.machine;
        let state = machine.state();
        let holds_token = machine.token().is_some();
        let should_hold = matches!(state, State::Checking | State::Authenticated | State::Expired);
        prop_assert_eq!(holds_token, should_hold, "state {:?} with token held = {}", state, holds_token);
        if holds_token {
            let generation = self.driver.token.as_ref().map(|(_, g)| *g);
            prop_assert_eq!(generation, Some(machine.generation()), "JS does not hold the text of the machine's token");
        }
        prop_assert_eq!(self.heard, state, "listeners were not told of the state");
        prop_assert_eq!(self.live_logins(), usize::from(state == State::LoggingIn), "logins in flight in state {:?}", state);
        prop_assert_eq!(self.live_checks(), usize::from(state == State::Checking), "checks in flight in state {:?}", state);
        if let (Some(record), true) = (&self.driver.storage, self.written) {
            prop_assert!(Lifetime::restore(&fields(record)).is_some(), "storage holds a record restore rejects: {:?}", record);
        }
        if let Some(token) = self.driver.storage.as_ref().and_then(|r| r.token.as_ref()) {
            prop_assert!(!self.rejected.contains(token), "storage still holds {}, which was refused", token);
        }
        for (id, caller) in &self.callers {
            if caller.fresh_unauthorized > self.config.max_relogins {
                prop_assert!(caller.rejected_unauthorized, "request {} went past max_relogins", id);
            }
        }
        prop_assert_eq!(self.callers.len(), self.driver.callers.len());
        let unsettled = self.callers.values().filter(|c| c.settled == 0).count();
        prop_assert_eq!(self.driver.unsettled(), unsettled);
        Ok(())
    }

    fn take<T>(list: &mut Vec<T>, pick: usize) -> Option<T> {
        if list.is_empty() {
            None
        } else {
            let at = pick % list.len();
            Some(list.remove(at))
        }
    }

    fn apply(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Request => {
                let id = self.driver.request();
                self.callers.entry(id).or_default();
            }
            Op::Ensure => {
                let id = self.driver.ensure();
                self.callers.entry(id).or_default();
            }
            Op::LoginAnswer { pick, kind } => {
                if let Some(login) = Self::take(&mut self.logins, pick) {
                    let code = match kind {
                        0 | 1 => {
                            self.codes_issued += 1;
                            let code = format!("code-{}", self.codes_issued);
                            self.codes.insert(login, code.clone());
                            Ok(code)
                        }
                        2 => Ok(String::new()),
                        _ => Err(Error::LoginFailed),
                    };
                    self.delivered.push(Delivered::Code(login, code.clone()));
                    self.driver.code(login, code.as_deref().map_err(|e| *e));
                }
            }
            Op::ExchangeAnswer { pick, kind, lifetime } => {
                if let Some(login) = Self::take(&mut self.exchanges, pick) {
                    let token = format!("token-for-{}", self.codes[&login]);
                    let answer = match kind {
                        0 | 1 => Ok(Answer { session_key: lifetime % 7 == 0, ..Answer::token(&token, f64::from(lifetime)) }),
                        2 => Ok(Answer { token: Some(token), expires_in: Seconds::Missing, session_key: false }),
                        3 => Ok(match lifetime % 6 {
                            0 => Answer { token: None, expires_in: Seconds::Number(-1.0), session_key: false },
                            1 => Answer { token: Some(String::new()), expires_in: Seconds::Number(3600.0), session_key: false },
                            2 => Answer { token: Some(token), expires_in: Seconds::NotNumber, session_key: true },
                            3 => Answer::token(&token, f64::NAN),
                            4 => Answer::token(&token, 0.0),
                            _ => Answer::token(&token, 1e12),
                        }),
                        _ => Err(Error::ExchangeFailed(ExchangeProblem::Refused)),
                    };
                    self.driver.exchanged(login, answer);
                }
            }
            Op::CheckAnswer { pick, alive } => {
                if let Some(check) = Self::take(&mut self.checks, pick) {
                    if !alive && !self.abandoned_checks.contains(&check) {
                        self.reject_current();
                    }
                    self.driver.checked(check, alive);
                }
            }
            Op::VerifyAnswer { pick, verdict } => {
                if let Some(check) = Self::take(&mut self.verifies, pick) {
                    let verdict = [Verdict::Valid, Verdict::Invalid, Verdict::Unknown][verdict as usize];
                    if verdict == Verdict::Invalid && !self.abandoned_checks.contains(&check) {
                        self.reject_current();
                    }
                    self.driver.verified(check, verdict);
                }
            }
            Op::Respond { pick, kind } => {
                if let Some((id, attempt)) = Self::take(&mut self.in_flight, pick) {
                    let outcome = match kind {
                        0 | 1 => Outcome::Answered,
                        2 | 3 => Outcome::Unauthorized,
                        _ => Outcome::NoResponse,
                    };
                    let caller = &self.driver.callers[id];
                    let current = caller.generation == self.driver.machine.generation();
                    let within_budget = caller.relogins < self.config.max_relogins;
                    let authenticated = self.driver.machine.state() == State::Authenticated;
                    if outcome == Outcome::Unauthorized && current {
                        self.callers.entry(id).or_default().fresh_unauthorized += 1;
                        // Within its budget, a request's 401 refuses the held token.
                        if authenticated && within_budget {
                            self.reject_current();
                        }
                    } else if outcome == Outcome::Unauthorized && self.holds_fresh_token() {
                        self.stale_answer_keeps =
                            Some(Kept { token: self.driver.token.clone(), storage: self.driver.storage.clone() });
                    }
                    self.callers.entry(id).or_default().last_answer = Some((attempt, outcome));
                    self.delivered.push(Delivered::Response(id, attempt, outcome));
                    self.driver.respond(id, attempt, outcome);
                }
            }
            Op::Duplicate { pick } => {
                if !self.delivered.is_empty() {
                    match self.delivered[pick % self.delivered.len()].clone() {
                        Delivered::Code(login, code) => self.driver.code(login, code.as_deref().map_err(|e| *e)),
                        // The model, like JS, takes one answer per attempt in flight.
                        Delivered::Response(id, attempt, outcome) => self.driver.respond(id, attempt, outcome),
                    }
                }
            }
            Op::StorageFails => self.driver.storage_failed(),
            Op::Clock { seconds } => self.driver.now += f64::from(seconds) * 1000.0,
            Op::ReadState => {
                let now = self.driver.now;
                let machine = &mut self.driver.machine;
                let before = format!("{machine:?}");
                let state = machine.state_at(now);
                prop_assert_eq!(format!("{machine:?}"), before, "state_at changed the machine");
                prop_assert_eq!(machine.state_at(now), state, "state_at answered differently twice");
                let stale = machine.state() == State::Authenticated
                    && !machine.token().is_some_and(|t| t.is_fresh(now, self.config.leeway_s));
                let expected = if stale { State::Expired } else { machine.state() };
                prop_assert_eq!(state, expected, "state_at disagrees with the expiry rule");
                prop_assert!(machine.poll_action().is_none(), "state_at left an action");
            }
            Op::Logout => {
                self.abandoned_logins.extend(self.logins.iter().chain(&self.exchanges).copied());
                self.abandoned_checks.extend(self.checks.iter().chain(&self.verifies).copied());
                self.driver.logout();
            }
        }
        Ok(())
    }

    /// One op, then everything it caused, checked.
    fn step(&mut self, op: Op) -> Result<(), TestCaseError> {
        self.apply(op)?;
        self.collect()?;
        if let Some(kept) = self.stale_answer_keeps.take() {
            let now = Kept { token: self.driver.token.clone(), storage: self.driver.storage.clone() };
            prop_assert_eq!(now, kept, "a 401 for an older token replaced the current one");
            prop_assert_eq!(self.driver.machine.state(), State::Authenticated, "a 401 for an older token expired the current one");
        }
        self.invariants()
    }

    /// Answers everything outstanding successfully until nothing is; a livelock is a failure.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..10_000 {
            let op = if !self.logins.is_empty() {
                Op::LoginAnswer { pick: 0, kind: 0 }
            } else if !self.exchanges.is_empty() {
                Op::ExchangeAnswer { pick: 0, kind: 0, lifetime: 7200 }
            } else if !self.checks.is_empty() {
                Op::CheckAnswer { pick: 0, alive: true }
            } else if !self.verifies.is_empty() {
                Op::VerifyAnswer { pick: 0, verdict: 0 }
            } else if !self.in_flight.is_empty() {
                Op::Respond { pick: 0, kind: 0 }
            } else {
                let open: Vec<_> = self.callers.iter().filter(|(_, c)| c.settled == 0).map(|(id, _)| *id).collect();
                prop_assert!(open.is_empty(), "callers {:?} never settled and nothing is outstanding", open);
                prop_assert_eq!(self.driver.unsettled(), 0);
                return Ok(());
            };
            self.step(op)?;
        }
        Err(TestCaseError::fail("livelock: still busy after 10 000 answers"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_keeps_the_invariants_and_settles_every_caller(
        config in config(),
        stored in stored_record(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut world = World::new(config, stored);
        for op in ops {
            world.step(op)?;
        }
        world.drain()?;
    }
}

proptest! {
    // A broken retry rule fails here within about a hundred cases.
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn relogin_races_keep_the_invariants_and_settle_every_caller(
        config in config(),
        stored in stored_record(),
        ops in proptest::collection::vec(race_op(), 1..60),
    ) {
        let mut world = World::new(config, stored);
        for op in ops {
            world.step(op)?;
        }
        world.drain()?;
    }
}
