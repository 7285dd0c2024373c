//! The sqlparser dialect for ADQL's lexical rules.

use sqlparser::dialect::Dialect;

/// ADQL's lexical rules for sqlparser: regular identifiers are `[A-Za-z][A-Za-z0-9_]*`, delimited
/// identifiers use double quotes, strings use single quotes with `''` escapes and no backslash escapes.
///
/// sqlparser still accepts more than ADQL (LIMIT, `::` casts, DDL...); [`crate::parse`] rejects those
/// after parsing, with an explanation.
#[derive(Debug, Default, Clone, Copy)]
pub struct AdqlDialect;

impl Dialect for AdqlDialect {
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_ascii_alphabetic()
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_ascii_alphanumeric() || ch == '_'
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '"'
    }

    fn supports_string_literal_backslash_escape(&self) -> bool {
        false
    }

    fn supports_boolean_literals(&self) -> bool {
        false
    }
}
