//! Helpers that read typed values out of an [`Element`] and turn every problem into a
//! [`ResourceError`] naming the element and its position.

use std::str::FromStr;

use crate::error::ResourceError;
use crate::xml::Element;

impl Element {
    pub fn required_child(&self, child: &'static str) -> Result<&Element, ResourceError> {
        self.child(child).ok_or_else(|| ResourceError::MissingElement {
            element: self.local_name().to_string(),
            child,
            position: self.position,
        })
    }

    /// Trimmed text of a required child.
    pub fn required_text(&self, child: &'static str) -> Result<String, ResourceError> {
        Ok(self.required_child(child)?.trimmed_text().to_string())
    }

    /// Trimmed text of an optional child.
    pub fn optional_text(&self, child: &str) -> Option<String> {
        self.child(child).map(|c| c.trimmed_text().to_string())
    }

    /// Trimmed texts of all children with this name.
    pub fn texts(&self, child: &str) -> Vec<String> {
        self.children_named(child).map(|c| c.trimmed_text().to_string()).collect()
    }

    pub fn required_attr(&self, attribute: &'static str) -> Result<String, ResourceError> {
        self.attr(attribute).map(|v| v.trim().to_string()).ok_or_else(|| ResourceError::MissingAttribute {
            element: self.local_name().to_string(),
            attribute,
            position: self.position,
        })
    }

    pub fn optional_attr(&self, attribute: &str) -> Option<String> {
        self.attr(attribute).map(|v| v.trim().to_string())
    }

    /// An error saying this element holds `value` where `expected` was wanted.
    pub fn invalid(&self, value: &str, expected: &'static str) -> ResourceError {
        ResourceError::InvalidValue {
            element: self.local_name().to_string(),
            value: value.to_string(),
            expected,
            position: self.position,
        }
    }

    /// The element's text parsed as `T`.
    pub fn value<T: FromStr>(&self, expected: &'static str) -> Result<T, ResourceError> {
        let text = self.trimmed_text();
        text.parse().map_err(|_| self.invalid(text, expected))
    }

    /// The element's text as an XML Schema boolean (`true`, `false`, `1`, `0`).
    pub fn boolean(&self) -> Result<bool, ResourceError> {
        parse_boolean(self.trimmed_text()).ok_or_else(|| self.invalid(self.trimmed_text(), "true, false, 1 or 0"))
    }

    /// A child's text parsed as `T`, if the child is there.
    pub fn optional_value<T: FromStr>(&self, child: &str, expected: &'static str) -> Result<Option<T>, ResourceError> {
        self.child(child).map(|c| c.value(expected)).transpose()
    }

    /// An attribute parsed as an XML Schema boolean, if present.
    pub fn optional_bool_attr(&self, attribute: &str) -> Result<Option<bool>, ResourceError> {
        match self.attr(attribute) {
            Some(v) => parse_boolean(v.trim()).map(Some).ok_or_else(|| self.invalid(v, "true, false, 1 or 0")),
            None => Ok(None),
        }
    }
}

pub fn parse_boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
