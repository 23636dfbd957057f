//! A model of the JS driver (`js/session.js`) for the core's tests: it keeps what JS keeps
//! (callers, the waiting list, the token text of each generation, the code of each login,
//! storage) and performs the machine's actions as JS does, logging each as a [`Step`] the
//! scenarios read. Storage is read synchronously, as `wx.getStorageSync` is.
#![allow(dead_code)]

use mp_login::core::{
    Action, Admission, Config, Error, Event, Grant, Machine, Next, Outcome, Seconds, Sent, Stored,
    TokenField, Verdict,
};

pub const T0: f64 = 1_800_000_000_000.0;

/// What JS did, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    ReadStorage,
    WriteStorage(Record),
    ClearStorage,
    WxLogin { login: u32 },
    Exchange { login: u32, code: String },
    CheckSession { check: u32 },
    Verify { check: u32, token: String },
    Send { id: usize, attempt: u32, token: String },
    Resolve { id: usize },
    Reject { id: usize, error: Error },
    Emit(Event),
    /// Callers were failed at once: failed logins hold the next one back.
    Refused { error: Error },
}

/// A stored record as `js/storage-record.js` writes it; `token: None` is a non-string field.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub token: Option<String>,
    pub create_time_s: f64,
    pub expires_in: Seconds,
}

impl Record {
    pub fn new(token: &str, create_time_s: f64, expires_in_s: f64) -> Record {
        Record { token: Some(token.into()), create_time_s, expires_in: Seconds::Number(expires_in_s) }
    }

    fn fields(&self) -> Stored {
        Stored {
            token_is_text: token_field(self.token.as_deref()) == TokenField::Text,
            create_time_s: self.create_time_s,
            expires_in: self.expires_in,
        }
    }
}

/// What an exchange answered, as JS got it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub token: Option<String>,
    pub expires_in: Seconds,
    pub session_key: bool,
}

impl Answer {
    pub fn token(token: &str, expires_in_s: f64) -> Answer {
        Answer { token: Some(token.into()), expires_in: Seconds::Number(expires_in_s), session_key: false }
    }
}

fn token_field(token: Option<&str>) -> TokenField {
    match token {
        Some("") => TokenField::Empty,
        Some(_) => TokenField::Text,
        None => TokenField::NotText,
    }
}

/// One caller of `request()` or `ensureLogin()`.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub request: bool,
    pub generation: u32,
    pub relogins: u32,
    pub attempt: u32,
    /// An attempt is out and its answer not yet taken.
    pub in_flight: bool,
    pub settled: Option<Result<(), Error>>,
}

pub struct Driver {
    pub machine: Machine,
    pub now: f64,
    pub storage: Option<Record>,
    pub callers: Vec<Caller>,
    waiting: Vec<usize>,
    /// The token JS holds and its generation (none after logout).
    pub token: Option<(String, u32)>,
    codes: Vec<(u32, String)>,
    log: Vec<Step>,
}

impl Driver {
    pub fn new(config: Config) -> Driver {
        Driver {
            machine: Machine::new(config),
            now: T0,
            storage: None,
            callers: vec![],
            waiting: vec![],
            token: None,
            codes: vec![],
            log: vec![],
        }
    }

    /// What JS did since the last call.
    pub fn steps(&mut self) -> Vec<Step> {
        std::mem::take(&mut self.log)
    }

    pub fn unsettled(&self) -> usize {
        self.callers.iter().filter(|c| c.settled.is_none()).count()
    }

    /// The token text JS would send now.
    pub fn token_text(&self) -> Option<&str> {
        self.token.as_ref().map(|(text, _)| text.as_str())
    }

    pub fn request(&mut self) -> usize {
        self.enter(true)
    }

    pub fn ensure(&mut self) -> usize {
        self.enter(false)
    }

    fn enter(&mut self, request: bool) -> usize {
        let id = self.callers.len();
        self.callers.push(Caller { request, ..Caller::default() });
        match self.machine.handle_call(self.now) {
            Admission::Go => self.go(id),
            Admission::Wait => self.waiting.push(id),
        }
        self.perform();
        id
    }

    /// The answer to a request's attempt; one for an attempt no longer in flight is dropped,
    /// as JS drops it.
    pub fn respond(&mut self, id: usize, attempt: u32, outcome: Outcome) {
        let caller = &mut self.callers[id];
        if caller.settled.is_some() || caller.attempt != attempt || !caller.in_flight {
            return;
        }
        caller.in_flight = false;
        let sent = Sent { generation: caller.generation, relogins: caller.relogins };
        match self.machine.handle_response(sent, outcome, self.now) {
            Next::Settle => self.settle(id, Ok(())),
            Next::Send => self.go(id),
            Next::Wait => self.waiting.push(id),
            Next::Relogin => {
                self.callers[id].relogins += 1;
                self.waiting.push(id);
            }
            Next::Fail(error) => self.settle(id, Err(error)),
        }
        self.perform();
    }

    /// wx.login answered; an empty code is a failure, as the platform adapter makes it.
    pub fn code(&mut self, login: u32, code: Result<&str, Error>) {
        let result = match code {
            Ok("") => Err(Error::LoginFailed),
            Ok(code) => {
                self.codes.push((login, code.to_string()));
                Ok(())
            }
            Err(error) => Err(error),
        };
        self.machine.handle_code(login, result, self.now);
        self.perform();
    }

    pub fn exchanged(&mut self, login: u32, answer: Result<Answer, Error>) {
        let grant = answer.clone().map(|a| Grant {
            token: token_field(a.token.as_deref()),
            expires_in: a.expires_in,
            has_session_key: a.session_key,
        });
        let generation = self.machine.handle_exchanged(login, grant, self.now);
        if generation != 0 {
            let text = answer.ok().and_then(|a| a.token).expect("a taken token is text");
            self.token = Some((text, generation));
        }
        self.perform();
    }

    pub fn checked(&mut self, check: u32, alive: bool) {
        self.machine.handle_check_session(check, alive, self.now);
        self.perform();
    }

    pub fn verified(&mut self, check: u32, verdict: Verdict) {
        self.machine.handle_verified(check, verdict, self.now);
        self.perform();
    }

    pub fn storage_failed(&mut self) {
        self.machine.handle_storage_failed();
        self.perform();
    }

    pub fn logout(&mut self) {
        self.token = None;
        self.machine.handle_logout();
        self.perform();
    }

    fn go(&mut self, id: usize) {
        if !self.callers[id].request {
            return self.settle(id, Ok(()));
        }
        let (token, generation) = self.token.clone().expect("a request goes out only with a token");
        let caller = &mut self.callers[id];
        caller.attempt += 1;
        caller.generation = generation;
        caller.in_flight = true;
        self.log.push(Step::Send { id, attempt: caller.attempt, token });
    }

    fn settle(&mut self, id: usize, result: Result<(), Error>) {
        let caller = &mut self.callers[id];
        assert!(caller.settled.is_none(), "caller {id} settled twice");
        self.log.push(match result {
            Ok(()) => Step::Resolve { id },
            Err(error) => Step::Reject { id, error },
        });
        caller.settled = Some(result);
    }

    fn perform(&mut self) {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::ReadStorage => {
                    self.log.push(Step::ReadStorage);
                    // The very token this session holds is no news (JS answers "nothing").
                    let held = self.token_text().map(String::from);
                    let stored = self.storage.as_ref().filter(|r| held.is_none() || r.token != held).map(Record::fields);
                    let generation = self.machine.handle_restored(stored, self.now);
                    if generation != 0 {
                        let text = self.storage.as_ref().and_then(|r| r.token.clone());
                        self.token = Some((text.expect("a restored token is text"), generation));
                    }
                }
                Action::WriteStorage(lifetime) => {
                    let record = Record {
                        token: self.token_text().map(String::from),
                        create_time_s: lifetime.create_time_s,
                        expires_in: lifetime.expires_in_s.map_or(Seconds::Missing, Seconds::Number),
                    };
                    self.storage = Some(record.clone());
                    self.log.push(Step::WriteStorage(record));
                }
                Action::ClearStorage { refused_only } => {
                    let held = self.token_text().map(String::from);
                    if !refused_only || self.storage.as_ref().is_some_and(|r| r.token == held) {
                        self.storage = None;
                    }
                    self.log.push(Step::ClearStorage);
                }
                Action::WxLogin { login } => self.log.push(Step::WxLogin { login }),
                Action::Exchange { login } => {
                    let at = self.codes.iter().position(|(l, _)| *l == login).expect("a code to exchange");
                    let (_, code) = self.codes.remove(at);
                    self.log.push(Step::Exchange { login, code });
                }
                Action::CheckSession { check } => self.log.push(Step::CheckSession { check }),
                Action::Verify { check } => {
                    let token = self.token_text().expect("verify needs a token").to_string();
                    self.log.push(Step::Verify { check, token });
                }
                Action::Release { generation } => {
                    let released = std::mem::take(&mut self.waiting);
                    let current = self.token.as_ref().map(|(_, g)| *g);
                    for id in released {
                        if current == Some(generation) {
                            self.go(id);
                        } else {
                            self.settle(id, Err(Error::LoggedOut));
                        }
                    }
                }
                Action::Refuse { error, .. } => {
                    self.log.push(Step::Refused { error });
                    for id in std::mem::take(&mut self.waiting) {
                        self.settle(id, Err(error));
                    }
                }
                Action::RejectWaiting(error) => {
                    for id in std::mem::take(&mut self.waiting) {
                        self.settle(id, Err(error));
                    }
                }
                Action::Emit(event) => self.log.push(Step::Emit(event)),
            }
        }
    }
}
