//! Random interleavings of everything the world can do to the core, with the invariants checked
//! after every step. A failure shrinks to a short, readable list of `Op`s.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use mp_login::core::record::{self, StoredFields};
use mp_login::core::{
    Action, Config, Error, Grant, Machine, Outcome, Raw, RequestId, State, Verdict,
};
use proptest::prelude::*;

const T0: f64 = 1_800_000_000_000.0;

/// One thing that can happen next. Answers pick among what is outstanding, by index.
#[derive(Debug, Clone)]
enum Op {
    Request,
    Ensure,
    /// wx.login answers: a code, an empty code, or a failure.
    LoginAnswer { pick: usize, kind: u8 },
    /// The exchange answers: a good grant, a malformed one, or a failure.
    ExchangeAnswer { pick: usize, kind: u8, lifetime: u16 },
    CheckAnswer { pick: usize, alive: bool },
    VerifyAnswer { pick: usize, verdict: u8 },
    /// A sent request is answered: 2xx/5xx, unauthorized, or no response.
    Respond { pick: usize, kind: u8 },
    /// An old answer arrives again (callbacks that fire twice).
    Duplicate { pick: usize },
    StorageFails,
    Clock { seconds: i32 },
    Tick,
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
        1 => Just(Op::Tick),
        1 => Just(Op::Logout),
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

/// What was answered, so it can be delivered again.
#[derive(Debug, Clone)]
enum Answer {
    Code(u32, Result<String, Error>),
    Response(RequestId, u32, Outcome),
}

#[derive(Default, Debug)]
struct Caller {
    settled: u32,
    sends: u32,
    fresh_unauthorized: u32,
    rejected_unauthorized: bool,
}

/// The world around the machine: outstanding work, storage, the clock, and what was observed.
struct World {
    machine: Machine,
    config: Config,
    now: f64,
    stored: Option<StoredFields>,
    /// Whether `stored` was written by the machine (the world may start with garbage there).
    written: bool,
    logins: Vec<u32>,
    abandoned_logins: BTreeSet<u32>,
    exchanges: Vec<(u32, String)>,
    checks: Vec<u32>,
    verifies: Vec<u32>,
    /// Sends in flight: (request, token sent, whether that token was current when sent).
    in_flight: Vec<(RequestId, u32, String)>,
    answered: Vec<Answer>,
    codes_issued: u32,
    /// Set while a stale 401 (for an older token, the current one fresh) is being handled: no
    /// login may start and the current token must stay.
    stale_answer_keeps: Option<String>,
    codes_exchanged: BTreeSet<String>,
    callers: BTreeMap<RequestId, Caller>,
}

impl World {
    fn new(config: Config, stored: Option<StoredFields>) -> World {
        World {
            machine: Machine::new(config.clone()),
            config,
            now: T0,
            stored,
            written: false,
            logins: vec![],
            abandoned_logins: BTreeSet::new(),
            exchanges: vec![],
            checks: vec![],
            verifies: vec![],
            in_flight: vec![],
            answered: vec![],
            codes_issued: 0,
            stale_answer_keeps: None,
            codes_exchanged: BTreeSet::new(),
            callers: BTreeMap::new(),
        }
    }

    fn current_token(&self) -> Option<String> {
        self.machine.token().map(|t| t.value.clone())
    }

    /// Performs the machine's actions the way the driver would, checking each as it comes.
    fn collect(&mut self) -> Result<(), TestCaseError> {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::ReadStorage => {
                    let stored = self.stored.clone();
                    self.machine.handle_restored(stored, self.now);
                }
                Action::WriteStorage(token) => {
                    let fields = StoredFields {
                        token: Raw::Text(token.value.clone()),
                        create_time: Raw::Number(token.create_time_s),
                        expires_in: token.expires_in_s.map_or(Raw::Missing, Raw::Number),
                    };
                    prop_assert_eq!(record::restore(Some(fields.clone())), Some(token));
                    self.stored = Some(fields);
                    self.written = true;
                }
                Action::ClearStorage => {
                    self.stored = None;
                    self.written = false;
                }
                Action::WxLogin { login } => {
                    let live = self.logins.iter().filter(|l| !self.abandoned_logins.contains(l)).count()
                        + self.exchanges.iter().filter(|(l, _)| !self.abandoned_logins.contains(l)).count();
                    prop_assert_eq!(live, 0, "a second login started while one was in flight");
                    prop_assert!(self.stale_answer_keeps.is_none(), "a 401 for an older token started a login");
                    self.logins.push(login);
                }
                Action::Exchange { login, code } => {
                    prop_assert!(self.codes_exchanged.insert(code.clone()), "code {} exchanged twice", code);
                    self.exchanges.push((login, code));
                }
                Action::CheckSession { check } => self.checks.push(check),
                Action::Verify { check, .. } => self.verifies.push(check),
                Action::Send { id, attempt, token } => {
                    let caller = self.callers.entry(id).or_default();
                    prop_assert_eq!(caller.settled, 0, "request {} sent after it was settled", id);
                    caller.sends += 1;
                    prop_assert!(
                        caller.sends <= 1 + self.answered.iter().filter(|a| matches!(a, Answer::Response(r, _, Outcome::Unauthorized) if *r == id)).count() as u32,
                        "request {} re-sent without an unauthorized answer", id
                    );
                    prop_assert_eq!(attempt, caller.sends, "attempts are numbered from 1");
                    let current = self.machine.token().map(|t| t.value.clone());
                    prop_assert_eq!(Some(&token), current.as_ref(), "request {} sent with a token that is not the current one", id);
                    self.in_flight.push((id, attempt, token));
                }
                Action::Resolve { id } => self.settle(id, false)?,
                Action::Reject { id, error } => {
                    self.settle(id, matches!(error, Error::Unauthorized { .. }))?;
                }
                Action::Emit(_) => {}
            }
        }
        Ok(())
    }

    fn settle(&mut self, id: RequestId, unauthorized: bool) -> Result<(), TestCaseError> {
        let caller = self.callers.entry(id).or_default();
        caller.settled += 1;
        caller.rejected_unauthorized |= unauthorized;
        prop_assert_eq!(caller.settled, 1, "caller {} settled twice", id);
        Ok(())
    }

    fn invariants(&self) -> Result<(), TestCaseError> {
        let state = self.machine.state();
        let holds_token = self.machine.token().is_some();
        let should_hold = matches!(state, State::Checking | State::Authenticated | State::Expired);
        prop_assert_eq!(holds_token, should_hold, "state {:?} with token held = {}", state, holds_token);
        if let (Some(fields), true) = (&self.stored, self.written) {
            prop_assert!(record::restore(Some(fields.clone())).is_some(), "storage holds a record restore rejects");
        }
        for (id, caller) in &self.callers {
            if caller.fresh_unauthorized > self.config.max_relogins {
                prop_assert!(caller.rejected_unauthorized, "request {} went past max_relogins", id);
            }
        }
        let unsettled = self.callers.values().filter(|c| c.settled == 0).count();
        prop_assert_eq!(self.machine.unsettled(), unsettled);
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
                let id = self.machine.handle_request(self.now);
                self.callers.entry(id).or_default();
            }
            Op::Ensure => {
                let id = self.machine.handle_ensure(self.now);
                self.callers.entry(id).or_default();
            }
            Op::LoginAnswer { pick, kind } => {
                if let Some(login) = Self::take(&mut self.logins, pick) {
                    let code = match kind {
                        0 | 1 => {
                            self.codes_issued += 1;
                            Ok(format!("code-{}", self.codes_issued))
                        }
                        2 => Ok(String::new()),
                        _ => Err(Error::LoginFailed("login:fail".into())),
                    };
                    self.answered.push(Answer::Code(login, code.clone()));
                    self.machine.handle_code(login, code);
                }
            }
            Op::ExchangeAnswer { pick, kind, lifetime } => {
                if let Some((login, code)) = Self::take(&mut self.exchanges, pick) {
                    let grant = |token: Raw, expires_in: Raw| Ok(Grant { token, expires_in, has_session_key: false });
                    let answer = match kind {
                        0 | 1 => grant(Raw::Text(format!("token-for-{code}")), Raw::Number(f64::from(lifetime))),
                        2 => grant(Raw::Text(format!("token-for-{code}")), Raw::Missing),
                        3 => grant(Raw::Number(5.0), Raw::Number(-1.0)),
                        _ => Err(Error::ExchangeFailed("HTTP 500".into())),
                    };
                    self.machine.handle_exchanged(login, answer, self.now);
                }
            }
            Op::CheckAnswer { pick, alive } => {
                if let Some(check) = Self::take(&mut self.checks, pick) {
                    self.machine.handle_check_session(check, alive, self.now);
                }
            }
            Op::VerifyAnswer { pick, verdict } => {
                if let Some(check) = Self::take(&mut self.verifies, pick) {
                    let verdict = [Verdict::Valid, Verdict::Invalid, Verdict::Unknown][verdict as usize];
                    self.machine.handle_verified(check, verdict, self.now);
                }
            }
            Op::Respond { pick, kind } => {
                if let Some((id, attempt, token)) = Self::take(&mut self.in_flight, pick) {
                    let outcome = match kind {
                        0 | 1 => Outcome::Answered,
                        2 | 3 => Outcome::Unauthorized,
                        _ => Outcome::NoResponse("request:fail timeout".into()),
                    };
                    let current = self.machine.token().cloned();
                    if outcome == Outcome::Unauthorized && current.as_ref().map(|t| &t.value) == Some(&token) {
                        self.callers.entry(id).or_default().fresh_unauthorized += 1;
                    } else if outcome == Outcome::Unauthorized && self.machine.state() == State::Authenticated {
                        let fresh = current.filter(|t| t.is_fresh(self.now, self.config.leeway_s));
                        self.stale_answer_keeps = fresh.map(|t| t.value);
                    }
                    self.answered.push(Answer::Response(id, attempt, outcome.clone()));
                    self.machine.handle_response(id, attempt, outcome, self.now);
                }
            }
            Op::Duplicate { pick } => {
                if !self.answered.is_empty() {
                    match self.answered[pick % self.answered.len()].clone() {
                        Answer::Code(login, code) => self.machine.handle_code(login, code),
                        Answer::Response(id, attempt, outcome) => self.machine.handle_response(id, attempt, outcome, self.now),
                    }
                }
            }
            Op::StorageFails => self.machine.handle_storage_failed("setStorageSync:fail".into()),
            Op::Clock { seconds } => self.now += f64::from(seconds) * 1000.0,
            Op::Tick => self.machine.handle_tick(self.now),
            Op::Logout => {
                self.abandoned_logins.extend(self.logins.iter().copied());
                self.abandoned_logins.extend(self.exchanges.iter().map(|(l, _)| *l));
                self.machine.handle_logout();
            }
        }
        Ok(())
    }

    /// Answers everything outstanding successfully until nothing is; a livelock is a failure.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..10_000 {
            self.collect()?;
            self.invariants()?;
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
                return Ok(());
            };
            self.apply(op)?;
        }
        Err(TestCaseError::fail("livelock: still busy after 10 000 answers"))
    }
}

fn stored_record() -> impl Strategy<Value = Option<StoredFields>> {
    prop_oneof![
        Just(None),
        (-100.0f64..10_000.0, 1u16..8000).prop_map(|(age, lifetime)| Some(StoredFields {
            token: Raw::Text("restored".into()),
            create_time: Raw::Number(T0 / 1000.0 - age),
            expires_in: Raw::Number(f64::from(lifetime)),
        })),
        Just(Some(StoredFields { token: Raw::Number(1.0), create_time: Raw::Missing, expires_in: Raw::Other("object") })),
    ]
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
            world.apply(op)?;
            world.collect()?;
            if let Some(kept) = world.stale_answer_keeps.take() {
                prop_assert_eq!(world.current_token(), Some(kept), "a 401 for an older token replaced the current one");
            }
            world.invariants()?;
        }
        world.drain()?;
    }
}
