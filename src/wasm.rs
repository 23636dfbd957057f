//! The `#[wasm_bindgen]` exports, all in one place. `js/session.js` wraps them in the public API.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::Config;
use crate::driver::Driver;
use crate::platform::Hooks;

/// The engine behind one JS session.
#[wasm_bindgen]
pub struct Core {
    driver: Rc<Driver>,
}

#[wasm_bindgen]
impl Core {
    /// `config` is already validated by `js/config.js`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        hooks: Hooks,
        leeway_s: f64,
        max_relogins: u32,
        check_session: bool,
        verify: bool,
    ) -> Core {
        let config = Config { leeway_s, max_relogins, check_session, verify };
        Core { driver: Driver::new(hooks, config) }
    }

    /// 'no-token' | 'checking' | 'logging-in' | 'authenticated' | 'expired'.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.driver.inspect(|machine| machine.state().as_str().into())
    }

    /// The held token, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn token(&self) -> Option<String> {
        self.driver.inspect(|machine| machine.token().map(|token| token.value.clone()))
    }

    /// When the held token expires (server's lifetime, without leeway), ms since the epoch.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        self.driver.inspect(|machine| machine.token().and_then(|token| token.expires_at_ms()))
    }

    /// Callers not settled yet (for leak checks).
    #[wasm_bindgen(getter)]
    pub fn unsettled(&self) -> u32 {
        self.driver.inspect(|machine| machine.unsettled() as u32)
    }

    /// Resolves once a fresh token is held: restores, checks and logs in as needed.
    #[wasm_bindgen(js_name = ensureLogin)]
    pub fn ensure_login(&self) -> Promise {
        self.driver.call(None)
    }

    /// Sends `options` with the token, re-logging in on "unauthorized" within the budget.
    pub fn request(&self, options: JsValue) -> Promise {
        self.driver.call(Some(options))
    }

    /// Forgets the token in memory and storage.
    pub fn logout(&self) {
        self.driver.logout();
    }
}
