//! Text → checked ADQL syntax tree: tokenising and parsing with sqlparser in the ADQL dialect, then
//! turning its errors into messages with line, column and help for the mistakes users actually make.

use std::fmt;

use sqlparser::ast::{Statement, Visit};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::dialect::AdqlDialect;
use crate::error::{AdqlError, ErrorKind, Position, Result};
use crate::whitelist;

/// Longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1 << 20;

/// Deepest nesting of expressions and subqueries accepted (sqlparser's recursion limit).
pub const MAX_NESTING: usize = 120;

/// Largest product of the lengths of the runs of `(` that open after FROM, JOIN or a comma.
///
/// sqlparser reads `(` in a FROM clause by trying a subquery first and, when that fails, a
/// parenthesised join, so a failing query costs the product of those runs' lengths over the
/// nesting levels: 350 bytes of `FROM ((((((((SELECT ra FROM ((((((((…` took 7 s of CPU (found by
/// the fuzzer). Real queries have runs of one or two; 4,096 is a few milliseconds of parsing.
pub const MAX_TABLE_PARENTHESES: u64 = 4_096;

/// A syntactically valid ADQL query. `Display` gives the normalised ADQL text.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub(crate) ast: sqlparser::ast::Query,
}

impl Query {
    /// The syntax tree (sqlparser's AST, restricted to ADQL constructs).
    pub fn ast(&self) -> &sqlparser::ast::Query {
        &self.ast
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ast.fmt(f)
    }
}

/// Parses ADQL text and checks that it uses only ADQL constructs and functions.
///
/// ```
/// let query = vo_adql::parse("select top 5 ra, dec from demo.stars where mag < 10").unwrap();
/// assert_eq!(query.to_string(), "SELECT TOP 5 ra, dec FROM demo.stars WHERE mag < 10");
/// let error = vo_adql::parse("SELECT ra FROM demo.stars LIMIT 5").unwrap_err();
/// assert!(error.to_string().contains("TOP"));
/// ```
pub fn parse(text: &str) -> Result<Query> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(AdqlError::new(
            ErrorKind::Limit,
            Position::UNKNOWN,
            format!("the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted", text.len()),
        ));
    }
    let dialect = AdqlDialect;
    let tokens = match Tokenizer::new(&dialect, text).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(error) => return Err(explain_failure(text, error.location.into(), &error.message)),
    };
    if tokens.iter().all(|t| matches!(t.token, Token::Whitespace(_) | Token::EOF)) {
        return Err(AdqlError::syntax(Position::UNKNOWN, "the query is empty").with_help("write a SELECT statement"));
    }
    reject_brackets(&tokens)?;
    check_table_parentheses(&tokens)?;
    let parsed = Parser::new(&dialect).with_recursion_limit(MAX_NESTING).with_tokens_with_locations(tokens);
    let mut parser = parsed;
    let statements = parser.parse_statements().map_err(|error| match error {
        ParserError::RecursionLimitExceeded => AdqlError::new(
            ErrorKind::Limit,
            Position::UNKNOWN,
            format!("the query is nested too deeply (more than {MAX_NESTING} levels)"),
        ),
        ParserError::ParserError(message) if message.to_ascii_lowercase().contains("recursion limit") => {
            AdqlError::new(
                ErrorKind::Limit,
                Position::UNKNOWN,
                format!("the query is nested too deeply (more than {MAX_NESTING} levels)"),
            )
        }
        ParserError::TokenizerError(message) | ParserError::ParserError(message) => {
            let (message, position) = split_location(&message);
            explain_failure(text, position, &message)
        }
    })?;
    let statement = single_query(statements)?;
    whitelist::check_query(&statement)?;
    if let Some(error) = reserved_word_misuse(&statement) {
        return Err(error);
    }
    Ok(Query { ast: statement })
}

/// ADQL has no `[` or `]` (no arrays, no subscripts, no bracket-quoted names). Refused before
/// parsing: sqlparser's attempts to read them as array expressions backtrack, and a fuzzed 500
/// bytes of `[[[[a.b[[[[…` took over a second to reject.
fn reject_brackets(tokens: &[TokenWithSpan]) -> Result<()> {
    match tokens.iter().find(|t| matches!(t.token, Token::LBracket | Token::RBracket)) {
        Some(bracket) => {
            Err(AdqlError::syntax(Position::from(bracket.span), format!("'{}' is not part of ADQL", bracket.token))
                .with_help("ADQL has no arrays or subscripts; delimited identifiers use double quotes: \"name\""))
        }
        None => Ok(()),
    }
}

/// Refuses queries whose runs of `(` after FROM, JOIN or a comma would make parsing exponential
/// (see [`MAX_TABLE_PARENTHESES`]).
fn check_table_parentheses(tokens: &[TokenWithSpan]) -> Result<()> {
    let significant: Vec<&TokenWithSpan> = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).collect();
    let mut product: u64 = 1;
    for (index, token) in significant.iter().enumerate() {
        let opens_tables = match &token.token {
            Token::Word(word) => matches!(word.keyword, Keyword::FROM | Keyword::JOIN),
            Token::Comma => true,
            _ => false,
        };
        if !opens_tables {
            continue;
        }
        let run = significant[index + 1..].iter().take_while(|t| t.token == Token::LParen).count() as u64;
        product = product.saturating_mul(run.max(1));
        if product > MAX_TABLE_PARENTHESES {
            return Err(AdqlError::new(
                ErrorKind::Limit,
                Position::from(significant[index + 1].span),
                "too many nested parentheses around tables and subqueries".to_string(),
            )
            .with_help("remove the parentheses that group nothing"));
        }
    }
    Ok(())
}

fn single_query(statements: Vec<Statement>) -> Result<sqlparser::ast::Query> {
    let mut statements = statements.into_iter();
    let first = statements.next().ok_or_else(|| {
        AdqlError::syntax(Position::UNKNOWN, "the query is empty").with_help("write a SELECT statement")
    })?;
    if let Some(second) = statements.next() {
        return Err(AdqlError::syntax(
            sqlparser::ast::Spanned::span(&second),
            "only one query is allowed; found a second statement after ';'",
        ));
    }
    match first {
        Statement::Query(query) => Ok(*query),
        other => Err(AdqlError::syntax(
            sqlparser::ast::Spanned::span(&other),
            "only SELECT queries are allowed in ADQL".to_string(),
        )
        .with_help("ADQL is a read-only query language: start the query with SELECT (or WITH)")),
    }
}

/// Splits sqlparser's "... at Line: 1, Column: 27" suffix off a message.
fn split_location(message: &str) -> (String, Position) {
    if let Some(index) = message.rfind(" at Line: ") {
        let tail = &message[index + " at Line: ".len()..];
        let mut parts = tail.split(", Column: ");
        if let (Some(line), Some(column)) = (parts.next(), parts.next())
            && let (Ok(line), Ok(column)) = (line.trim().parse(), column.trim().parse())
        {
            return (message[..index].to_string(), Position { line, column });
        }
    }
    (message.to_string(), Position::UNKNOWN)
}

/// Builds the error for text that does not parse, preferring a diagnosis of a common mistake over
/// sqlparser's raw message.
fn explain_failure(text: &str, position: Position, raw: &str) -> AdqlError {
    if let Some(error) = typographic_quote(text) {
        return error;
    }
    if let Some(error) = misspelt_keyword(text, position) {
        return error;
    }
    let position = if position.line == 0 { end_of(text) } else { position };
    AdqlError::syntax(position, rephrase(raw))
}

/// The position just after the last character, where "found the end of the query" errors point.
fn end_of(text: &str) -> Position {
    let trimmed = text.trim_end();
    let line = trimmed.lines().count().max(1) as u64;
    let column = trimmed.lines().last().map_or(0, |l| l.chars().count()) as u64 + 1;
    Position { line, column }
}

/// "Expected: FROM, found: FORM" → "expected FROM, found 'FORM'".
fn rephrase(raw: &str) -> String {
    let raw = raw.strip_prefix("sql parser error: ").unwrap_or(raw);
    if let Some(rest) = raw.strip_prefix("Expected: ").or_else(|| raw.strip_prefix("Expected "))
        && let Some((expected, found)) = rest.split_once(", found: ")
    {
        let found = if found == "EOF" { "the end of the query".to_string() } else { format!("'{found}'") };
        return format!("expected {expected}, found {found}");
    }
    let mut chars = raw.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "syntax error".into(),
    }
}

const TYPOGRAPHIC_QUOTES: &[(char, char)] =
    &[('‘', '\''), ('’', '\''), ('‚', '\''), ('“', '"'), ('”', '"'), ('„', '"')];

/// A curly quote outside any straight-quoted string, as pasted from a PDF or word processor.
fn typographic_quote(text: &str) -> Option<AdqlError> {
    let mut in_string = false;
    let mut in_identifier = false;
    let (mut line, mut column) = (1u64, 0u64);
    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
            column = 0;
            continue;
        }
        column += 1;
        match ch {
            '\'' if !in_identifier => in_string = !in_string,
            '"' if !in_string => in_identifier = !in_identifier,
            _ if !in_string && !in_identifier => {
                if let Some((_, straight)) = TYPOGRAPHIC_QUOTES.iter().find(|(curly, _)| *curly == ch) {
                    return Some(
                        AdqlError::syntax(Position { line, column }, format!("typographic quote '{ch}' in the query"))
                            .with_help(format!(
                                "replace curly quotes (often pasted from a PDF or word processor) with straight \
                                 ones: {straight}"
                            )),
                    );
                }
            }
            _ => {}
        }
    }
    None
}

const CLAUSE_KEYWORDS: &[&str] = &["SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "JOIN", "UNION", "BETWEEN"];

/// An unquoted word, at or before the failure, that looks like a misspelt clause keyword (FORM, WEHRE).
fn misspelt_keyword(text: &str, failure: Position) -> Option<AdqlError> {
    let tokens = Tokenizer::new(&AdqlDialect, text).tokenize_with_location().ok()?;
    for token in tokens {
        let at = Position::from(token.span.start);
        if failure.line > 0 && (at.line, at.column) > (failure.line, failure.column) {
            break;
        }
        let Token::Word(word) = &token.token else { continue };
        if word.quote_style.is_some() || word.value.len() < 4 {
            continue;
        }
        let upper = word.value.to_ascii_uppercase();
        if CLAUSE_KEYWORDS.contains(&upper.as_str()) {
            continue;
        }
        if let Some(keyword) = CLAUSE_KEYWORDS.iter().find(|k| strsim::damerau_levenshtein(&upper, k) == 1) {
            return Some(
                AdqlError::syntax(at, format!("expected {keyword}, found '{}'", word.value))
                    .with_help(format!("did you mean {keyword}?")),
            );
        }
    }
    None
}

/// ADQL reserved words used as regular identifiers (columns, tables, aliases).
fn reserved_word_misuse(query: &sqlparser::ast::Query) -> Option<AdqlError> {
    let mut finder = ReservedIdentifierFinder { found: None };
    let _ = query.visit(&mut finder);
    finder.found
}

struct ReservedIdentifierFinder {
    found: Option<AdqlError>,
}

impl ReservedIdentifierFinder {
    fn check(&mut self, ident: &sqlparser::ast::Ident) {
        if self.found.is_none() && ident.quote_style.is_none() && crate::reserved::is_reserved(&ident.value) {
            self.found =
                Some(AdqlError::syntax(ident.span, format!("'{}' is an ADQL reserved word", ident.value)).with_help(
                    format!(
                        "if it is a column or table name, write it as a delimited identifier: \"{}\"",
                        ident.value.to_ascii_lowercase()
                    ),
                ));
        }
    }
}

impl sqlparser::ast::Visitor for ReservedIdentifierFinder {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &sqlparser::ast::Expr) -> std::ops::ControlFlow<()> {
        match expr {
            sqlparser::ast::Expr::Identifier(ident) => self.check(ident),
            sqlparser::ast::Expr::CompoundIdentifier(parts) => parts.iter().for_each(|p| self.check(p)),
            _ => {}
        }
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &sqlparser::ast::ObjectName) -> std::ops::ControlFlow<()> {
        for part in &relation.0 {
            if let Some(ident) = part.as_ident() {
                self.check(ident);
            }
        }
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &sqlparser::ast::Select) -> std::ops::ControlFlow<()> {
        for item in &select.projection {
            if let sqlparser::ast::SelectItem::ExprWithAlias { alias, .. } = item {
                self.check(alias);
            }
        }
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &sqlparser::ast::TableFactor) -> std::ops::ControlFlow<()> {
        if let sqlparser::ast::TableFactor::Table { alias: Some(alias), .. }
        | sqlparser::ast::TableFactor::Derived { alias: Some(alias), .. } = factor
        {
            self.check(&alias.name);
        }
        std::ops::ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_from() {
        let e = parse("SELECT ra, dec, phot_g_mean FORM gaia.source").unwrap_err();
        assert_eq!(e.to_string(), "line 1, column 29: expected FROM, found 'FORM'\n  help: did you mean FROM?");
    }

    #[test]
    fn curly_quotes() {
        let e = parse("SELECT * FROM t WHERE name = ‘M31’").unwrap_err();
        assert_eq!((e.line, e.column), (1, 30));
        assert!(e.help.unwrap().contains("straight"));
        assert!(parse("SELECT * FROM t WHERE name = 'O’Brien'").is_ok(), "curly quotes inside strings are fine");
    }

    #[test]
    fn reserved_word_as_column() {
        let e = parse("SELECT size FROM t").unwrap_err();
        assert!(e.help.as_deref().unwrap().contains("\"size\""), "{e}");
        assert!(parse("SELECT \"size\", dec FROM t").is_ok());
    }

    #[test]
    fn empty_and_multiple() {
        assert!(parse("   -- nothing\n").unwrap_err().message.contains("empty"));
        assert!(parse("SELECT a FROM t; SELECT b FROM t").unwrap_err().message.contains("only one query"));
        assert!(parse("DROP TABLE t").unwrap_err().message.contains("only SELECT"));
    }
}
