//! Values as they arrive from JS (a login response, a stored record), before validation.

/// One untrusted value. The bindings classify a JS value into this; the core decides whether
/// it is acceptable, so the rules live in Rust and are tested natively.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// `undefined`, `null` or an absent field.
    Missing,
    /// A JS number (possibly NaN or infinite).
    Number(f64),
    /// A JS string.
    Text(String),
    /// Anything else, by its `typeof` name ("object", "boolean"…), for error messages.
    Other(&'static str),
}

impl Raw {
    /// The kind of value, as an error message would name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Raw::Missing => "missing",
            Raw::Number(n) if n.is_nan() => "NaN",
            Raw::Number(_) => "number",
            Raw::Text(_) => "string",
            Raw::Other(kind) => kind,
        }
    }
}
