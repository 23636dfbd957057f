//! JS values to and from the core's types: the one place that knows their JS shape.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::core::record::{self, StoredFields};
use crate::core::{Error, Grant, Raw, Token};

/// Classifies an untrusted JS value.
pub fn raw(value: JsValue) -> Raw {
    if value.is_undefined() || value.is_null() {
        Raw::Missing
    } else if let Some(number) = value.as_f64() {
        Raw::Number(number)
    } else if let Some(text) = value.as_string() {
        Raw::Text(text)
    } else if value.is_function() {
        Raw::Other("function")
    } else if value.is_object() {
        Raw::Other("object")
    } else if value.as_bool().is_some() {
        Raw::Other("boolean")
    } else {
        Raw::Other("value")
    }
}

/// `object[name]`, or `undefined` for a non-object or a getter that throws.
pub fn field(object: &JsValue, name: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// What storage held, as record fields; `None` unless it is an object at all.
pub fn stored_fields(value: &JsValue) -> Option<StoredFields> {
    if !value.is_object() || value.is_function() {
        return None;
    }
    Some(StoredFields {
        token: raw(field(value, record::TOKEN)),
        create_time: raw(field(value, record::CREATE_TIME)),
        expires_in: raw(field(value, record::EXPIRES_IN)),
    })
}

/// The stored form of a token.
pub fn stored_record(token: &Token) -> JsValue {
    let object = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(name), &value);
    };
    set(record::TOKEN, JsValue::from_str(&token.value));
    set(record::CREATE_TIME, JsValue::from_f64(token.create_time_s));
    if let Some(lifetime) = token.expires_in_s {
        set(record::EXPIRES_IN, JsValue::from_f64(lifetime));
    }
    object.into()
}

/// What the `exchange` hook resolved to.
pub fn grant(value: &JsValue) -> Grant {
    Grant {
        token: raw(field(value, "token")),
        expires_in: raw(field(value, "expiresIn")),
        has_session_key: field(value, "hasSessionKey").is_truthy(),
    }
}

/// A hook's rejection: a `LoginError` keeps its code; anything else becomes a failed exchange.
pub fn error(value: &JsValue) -> Error {
    let code = field(value, "code").as_string().unwrap_or_default();
    let message = field(value, "message")
        .as_string()
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into());
    Error::from_code(&code, message)
}

/// The message of whatever a storage call threw.
pub fn message(value: &JsValue) -> String {
    field(value, "message").as_string().or_else(|| value.as_string()).unwrap_or_default()
}
