//! The JS side the driver talks to: an object built by `js/session.js` from the config and the
//! platform adapter (`js/platform.js`). Every method that does I/O returns a Promise and never
//! throws; the storage calls may throw, and are caught here.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The hooks object handed to `Session`'s constructor.
    pub type Hooks;

    /// The injectable clock, ms since the epoch.
    #[wasm_bindgen(method)]
    pub fn now(this: &Hooks) -> f64;

    /// `wx.login`: resolves to the code, rejects with a `LoginError`.
    #[wasm_bindgen(method)]
    pub fn login(this: &Hooks) -> Promise;

    /// `wx.checkSession`: resolves to whether WeChat's session_key is alive.
    #[wasm_bindgen(method, js_name = checkSession)]
    pub fn check_session(this: &Hooks) -> Promise;

    /// The exchange: resolves to `{token, expiresIn, hasSessionKey}` as the server sent them.
    #[wasm_bindgen(method)]
    pub fn exchange(this: &Hooks, code: &str) -> Promise;

    /// The `verify` request: resolves to whether the server accepts `token`.
    #[wasm_bindgen(method)]
    pub fn verify(this: &Hooks, token: &str) -> Promise;

    /// One attempt of a request: resolves to an [`Answer`], rejects on no response.
    #[wasm_bindgen(method)]
    pub fn send(this: &Hooks, options: &JsValue, token: &str) -> Promise;

    /// What `send` resolves to: `{response, unauthorized}`.
    pub type Answer;

    /// The `{statusCode, data, header}` the caller's Promise resolves with.
    #[wasm_bindgen(method, getter)]
    pub fn response(this: &Answer) -> JsValue;

    /// Whether the configured rule says the token was refused.
    #[wasm_bindgen(method, getter)]
    pub fn unauthorized(this: &Answer) -> bool;

    /// The stored record, whatever storage holds.
    #[wasm_bindgen(method, catch, js_name = readStorage)]
    pub fn read_storage(this: &Hooks) -> Result<JsValue, JsValue>;

    /// Stores the record.
    #[wasm_bindgen(method, catch, js_name = writeStorage)]
    pub fn write_storage(this: &Hooks, record: &JsValue) -> Result<(), JsValue>;

    /// Removes the record.
    #[wasm_bindgen(method, catch, js_name = clearStorage)]
    pub fn clear_storage(this: &Hooks) -> Result<(), JsValue>;

    /// Tells `session.on` listeners.
    #[wasm_bindgen(method)]
    pub fn emit(this: &Hooks, event: &str, first: &JsValue, second: &JsValue);

    /// Builds the `LoginError` JS callers receive.
    #[wasm_bindgen(method, js_name = error)]
    pub fn login_error(this: &Hooks, code: &str, message: &str) -> JsValue;
}
