//! The async loop: polls the machine for actions, performs each through the hooks, feeds the
//! answers back with the current time. No borrow is held while JS runs, so a listener that
//! calls back into the session (from an `emit`) finds it consistent.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::convert;
use crate::core::ids::IdMap;
use crate::core::{Action, Config, Error, Event, Machine, Outcome, RequestId, Verdict};
use crate::platform::{Answer, Hooks};

/// A JS caller waiting on a Promise.
struct Caller {
    resolve: Function,
    reject: Function,
    /// The request's options (`undefined` for `start`/`ensureLogin`).
    options: JsValue,
    /// The latest response, handed over on resolve.
    response: JsValue,
}

/// One session's machine, wired to its hooks.
pub struct Driver {
    machine: RefCell<Machine>,
    hooks: Hooks,
    callers: RefCell<IdMap<Caller>>,
}

impl Driver {
    /// A driver for a fresh machine.
    pub fn new(hooks: Hooks, config: Config) -> Rc<Driver> {
        Rc::new(Driver {
            machine: RefCell::new(Machine::new(config)),
            hooks,
            callers: RefCell::new(IdMap::default()),
        })
    }

    /// Reads the machine after letting it notice the time.
    pub fn inspect<T>(self: &Rc<Self>, read: impl FnOnce(&Machine) -> T) -> T {
        let now = self.hooks.now();
        self.machine.borrow_mut().handle_tick(now);
        self.pump();
        read(&self.machine.borrow())
    }

    /// A request (`Some(options)`) or a wait for a fresh token (`None`), as a Promise.
    pub fn call(self: &Rc<Self>, options: Option<JsValue>) -> Promise {
        let mut handles = None;
        let promise = Promise::new(&mut |resolve, reject| handles = Some((resolve, reject)));
        let Some((resolve, reject)) = handles else { return promise };
        let now = self.hooks.now();
        let id = {
            let mut machine = self.machine.borrow_mut();
            match options {
                Some(_) => machine.handle_request(now),
                None => machine.handle_ensure(now),
            }
        };
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let response = JsValue::UNDEFINED;
        self.callers.borrow_mut().insert(id, Caller { resolve, reject, options, response });
        self.pump();
        promise
    }

    /// `logout()`.
    pub fn logout(self: &Rc<Self>) {
        self.machine.borrow_mut().handle_logout();
        self.pump();
    }

    fn pump(self: &Rc<Self>) {
        loop {
            let action = self.machine.borrow_mut().poll_action();
            match action {
                Some(action) => self.perform(action),
                None => break,
            }
        }
    }

    fn perform(self: &Rc<Self>, action: Action) {
        match action {
            Action::ReadStorage => {
                let stored = self.storage(self.hooks.read_storage());
                let now = self.hooks.now();
                let fields = stored.as_ref().and_then(convert::stored_fields);
                self.machine.borrow_mut().handle_restored(fields, now);
            }
            Action::WriteStorage(token) => {
                self.storage(self.hooks.write_storage(&convert::stored_record(&token)));
            }
            Action::ClearStorage => {
                self.storage(self.hooks.clear_storage());
            }
            Action::WxLogin { login } => self.after(self.hooks.login(), move |machine, result, _| {
                let code = result.map(|code| code.as_string().unwrap_or_default());
                machine.handle_code(login, code.map_err(|e| convert::error(&e)));
            }),
            Action::Exchange { login, code } => {
                self.after(self.hooks.exchange(&code), move |machine, result, now| {
                    let grant = result.map(|g| convert::grant(&g)).map_err(|e| convert::error(&e));
                    machine.handle_exchanged(login, grant, now);
                })
            }
            Action::CheckSession { check } => {
                self.after(self.hooks.check_session(), move |machine, result, now| {
                    let alive = matches!(result, Ok(alive) if alive.is_truthy());
                    machine.handle_check_session(check, alive, now);
                })
            }
            Action::Verify { check, token } => {
                self.after(self.hooks.verify(&token), move |machine, result, now| {
                    let verdict = match result {
                        Ok(valid) if valid.is_truthy() => Verdict::Valid,
                        Ok(_) => Verdict::Invalid,
                        Err(_) => Verdict::Unknown,
                    };
                    machine.handle_verified(check, verdict, now);
                })
            }
            Action::Send { id, attempt, token } => self.send(id, attempt, &token),
            Action::Resolve { id } => {
                let caller = self.callers.borrow_mut().remove(id);
                if let Some(caller) = caller {
                    let _ = caller.resolve.call1(&JsValue::UNDEFINED, &caller.response);
                }
            }
            Action::Reject { id, error } => {
                let caller = self.callers.borrow_mut().remove(id);
                if let Some(caller) = caller {
                    let _ = caller.reject.call1(&JsValue::UNDEFINED, &self.js_error(&error));
                }
            }
            Action::Emit(event) => self.emit(event),
        }
    }

    fn send(self: &Rc<Self>, id: RequestId, attempt: u32, token: &str) {
        let options = match self.callers.borrow().get(id) {
            Some(caller) => caller.options.clone(),
            None => return,
        };
        let this = self.clone();
        let answer = self.hooks.send(&options, token);
        spawn_local(async move {
            let result = JsFuture::from(answer).await;
            let outcome = match result {
                Ok(answer) => {
                    let answer: Answer = answer.unchecked_into();
                    if let Some(caller) = this.callers.borrow_mut().get_mut(id) {
                        caller.response = answer.response();
                    }
                    if answer.unauthorized() { Outcome::Unauthorized } else { Outcome::Answered }
                }
                Err(error) => Outcome::NoResponse(convert::error(&error).to_string()),
            };
            let now = this.hooks.now();
            this.machine.borrow_mut().handle_response(id, attempt, outcome, now);
            this.pump();
        });
    }

    /// Runs `then` on the machine when `promise` settles, then carries on.
    fn after(
        self: &Rc<Self>,
        promise: Promise,
        then: impl FnOnce(&mut Machine, Result<JsValue, JsValue>, f64) + 'static,
    ) {
        let this = self.clone();
        spawn_local(async move {
            let result = JsFuture::from(promise).await;
            let now = this.hooks.now();
            then(&mut this.machine.borrow_mut(), result, now);
            this.pump();
        });
    }

    /// A storage call's result; a throw becomes a `STORAGE` error event, never a failure.
    fn storage<T>(&self, result: Result<T, JsValue>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(thrown) => {
                self.machine.borrow_mut().handle_storage_failed(convert::message(&thrown));
                None
            }
        }
    }

    fn emit(&self, event: Event) {
        let none = JsValue::UNDEFINED;
        match event {
            Event::State { new, old } => {
                self.hooks.emit("state", &new.as_str().into(), &old.as_str().into())
            }
            Event::Expired => self.hooks.emit("expired", &none, &none),
            Event::Login => self.hooks.emit("login", &none, &none),
            Event::Logout => self.hooks.emit("logout", &none, &none),
            Event::Error(error) => self.hooks.emit("error", &self.js_error(&error), &none),
            Event::Warning(message) => self.hooks.emit("warning", &message.into(), &none),
        }
    }

    fn js_error(&self, error: &Error) -> JsValue {
        self.hooks.login_error(error.code(), &error.to_string())
    }
}
