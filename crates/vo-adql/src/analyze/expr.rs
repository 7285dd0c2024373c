//! Expressions: name resolution, type checks, and the mapping of ADQL functions to DataFusion.

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList,
    FunctionArguments, Ident, ObjectName, ObjectNamePart, Spanned, UnaryOperator, Value,
};

use super::scope::{ColumnMeta, quoted};
use super::types::ValueType;
use super::{Analyzer, naming};
use crate::error::{AdqlError, ErrorKind, Result};
use crate::functions::{self, FunctionClass};

/// An analysed expression: its DataFusion form, ADQL type, source metadata (for plain column
/// references) and the name it would give a result column.
#[derive(Debug, Clone)]
pub struct Typed {
    pub expr: Expr,
    pub value_type: ValueType,
    pub meta: Option<ColumnMeta>,
    pub name: Option<String>,
}

impl Typed {
    pub fn new(expr: Expr, value_type: ValueType) -> Self {
        Typed { expr, value_type, meta: None, name: None }
    }

    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }
}

/// A call of a DataFusion function by (lower-case) name.
pub fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a))).collect(),
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    })
}

/// A numeric literal.
pub fn number(value: f64) -> Expr {
    let text = if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.1}") } else { format!("{value:e}") };
    Expr::value(Value::Number(text, false))
}

fn cast_double(expr: Expr) -> Expr {
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(expr),
        data_type: DataType::DoublePrecision,
        array: false,
        format: None,
    }
}

fn binary(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp { left: Box::new(left), op, right: Box::new(right) }
}

impl Analyzer<'_> {
    #[recursive::recursive]
    pub(super) fn expr(&mut self, expr: &Expr) -> Result<Typed> {
        match expr {
            Expr::Identifier(ident) => self.column_ref(std::slice::from_ref(ident), expr),
            Expr::CompoundIdentifier(parts) => self.column_ref(parts, expr),
            Expr::Value(value) => Ok(Typed::new(
                expr.clone(),
                match &value.value {
                    Value::Number(n, _) if n.contains(['.', 'e', 'E']) => ValueType::Float,
                    Value::Number(..) => ValueType::Integer,
                    Value::SingleQuotedString(_) => ValueType::String,
                    _ => ValueType::Null,
                },
            )),
            Expr::Nested(inner) => {
                let typed = self.expr(inner)?;
                Ok(Typed { expr: Expr::Nested(Box::new(typed.expr)), ..typed })
            }
            Expr::BinaryOp { left, op, right } => self.binary_op(expr, left, op, right),
            Expr::UnaryOp { op, expr: inner } => {
                let typed = self.expr(inner)?;
                if matches!(op, UnaryOperator::Minus | UnaryOperator::Plus) && !typed.value_type.is_numeric() {
                    return Err(type_error(inner, &format!("unary {op}"), "a number", typed.value_type));
                }
                let value_type = if matches!(op, UnaryOperator::Not) { ValueType::Unknown } else { typed.value_type };
                Ok(Typed::new(Expr::UnaryOp { op: *op, expr: Box::new(typed.expr) }, value_type))
            }
            Expr::IsNull(inner) => Ok(Typed::new(Expr::IsNull(Box::new(self.expr(inner)?.expr)), ValueType::Unknown)),
            Expr::IsNotNull(inner) => {
                Ok(Typed::new(Expr::IsNotNull(Box::new(self.expr(inner)?.expr)), ValueType::Unknown))
            }
            Expr::InList { expr: inner, list, negated } => {
                let inner = self.expr(inner)?.expr;
                let list = list.iter().map(|e| self.expr(e).map(|t| t.expr)).collect::<Result<Vec<_>>>()?;
                Ok(Typed::new(Expr::InList { expr: Box::new(inner), list, negated: *negated }, ValueType::Unknown))
            }
            Expr::InSubquery { expr: inner, subquery, negated } => {
                let inner = self.expr(inner)?.expr;
                let (subquery, columns) = self.subquery(subquery)?;
                if columns.len() != 1 {
                    return Err(AdqlError::new(
                        ErrorKind::Planning,
                        expr.span(),
                        format!("the subquery after IN must return one column, not {}", columns.len()),
                    ));
                }
                Ok(Typed::new(
                    Expr::InSubquery { expr: Box::new(inner), subquery: Box::new(subquery), negated: *negated },
                    ValueType::Unknown,
                ))
            }
            Expr::Between { expr: inner, negated, low, high } => Ok(Typed::new(
                Expr::Between {
                    expr: Box::new(self.expr(inner)?.expr),
                    negated: *negated,
                    low: Box::new(self.expr(low)?.expr),
                    high: Box::new(self.expr(high)?.expr),
                },
                ValueType::Unknown,
            )),
            Expr::Like { negated, any, expr: inner, pattern, escape_char } => {
                let (inner, pattern) = self.string_pair(inner, pattern, "LIKE")?;
                Ok(Typed::new(
                    Expr::Like {
                        negated: *negated,
                        any: *any,
                        expr: Box::new(inner),
                        pattern: Box::new(pattern),
                        escape_char: escape_char.clone(),
                    },
                    ValueType::Unknown,
                ))
            }
            Expr::ILike { negated, any, expr: inner, pattern, escape_char } => {
                let (inner, pattern) = self.string_pair(inner, pattern, "ILIKE")?;
                Ok(Typed::new(
                    Expr::ILike {
                        negated: *negated,
                        any: *any,
                        expr: Box::new(inner),
                        pattern: Box::new(pattern),
                        escape_char: escape_char.clone(),
                    },
                    ValueType::Unknown,
                ))
            }
            Expr::Exists { subquery, negated } => {
                let (subquery, _) = self.subquery(subquery)?;
                Ok(Typed::new(Expr::Exists { subquery: Box::new(subquery), negated: *negated }, ValueType::Unknown))
            }
            Expr::Subquery(subquery) => {
                let (subquery, columns) = self.subquery(subquery)?;
                if columns.len() != 1 {
                    return Err(AdqlError::new(
                        ErrorKind::Planning,
                        expr.span(),
                        format!("a scalar subquery must return one column, not {}", columns.len()),
                    ));
                }
                let column = &columns[0];
                Ok(Typed {
                    expr: Expr::Subquery(Box::new(subquery)),
                    value_type: column.value_type,
                    meta: Some(column.meta.clone()),
                    name: Some(column.name.clone()),
                })
            }
            Expr::Case { case_token, end_token, operand, conditions, else_result } => {
                let operand = operand.as_ref().map(|o| self.expr(o).map(|t| Box::new(t.expr))).transpose()?;
                let mut value_type = ValueType::Null;
                let mut out = Vec::new();
                for when in conditions {
                    let condition = self.expr(&when.condition)?.expr;
                    let result = self.expr(&when.result)?;
                    value_type = value_type.unify(result.value_type);
                    out.push(sqlparser::ast::CaseWhen { condition, result: result.expr });
                }
                let else_result = match else_result {
                    Some(e) => {
                        let typed = self.expr(e)?;
                        value_type = value_type.unify(typed.value_type);
                        Some(Box::new(typed.expr))
                    }
                    None => None,
                };
                Ok(Typed::new(
                    Expr::Case {
                        case_token: case_token.clone(),
                        end_token: end_token.clone(),
                        operand,
                        conditions: out,
                        else_result,
                    },
                    value_type,
                )
                .named("case"))
            }
            Expr::Cast { kind, expr: inner, data_type, array, format } => {
                let typed = self.expr(inner)?;
                let value_type = match data_type {
                    DataType::Integer(_) | DataType::Int(_) | DataType::SmallInt(_) | DataType::BigInt(_) => {
                        ValueType::Integer
                    }
                    DataType::Real | DataType::DoublePrecision => ValueType::Float,
                    DataType::Timestamp(..) => ValueType::Timestamp,
                    _ => ValueType::String,
                };
                if value_type != ValueType::String && typed.value_type.is_geometry() && !typed.value_type.is_string() {
                    return Err(type_error(inner, "CAST", "a number or string", typed.value_type));
                }
                Ok(Typed::new(
                    Expr::Cast {
                        kind: kind.clone(),
                        expr: Box::new(typed.expr),
                        data_type: data_type.clone(),
                        array: *array,
                        format: format.clone(),
                    },
                    value_type,
                )
                .named("cast"))
            }
            Expr::Ceil { expr: inner, field } => {
                let typed = self.numeric_arg(inner, "CEILING")?;
                Ok(Typed::new(
                    Expr::Ceil { expr: Box::new(cast_double(typed.expr)), field: field.clone() },
                    ValueType::Float,
                )
                .named("ceiling"))
            }
            Expr::Floor { expr: inner, field } => {
                let typed = self.numeric_arg(inner, "FLOOR")?;
                Ok(Typed::new(
                    Expr::Floor { expr: Box::new(cast_double(typed.expr)), field: field.clone() },
                    ValueType::Float,
                )
                .named("floor"))
            }
            Expr::Function(function) => self.function(expr, function),
            other => Err(AdqlError::syntax(other.span(), format!("the expression '{other}' is not supported"))),
        }
    }

    pub(super) fn subquery(
        &mut self,
        query: &sqlparser::ast::Query,
    ) -> Result<(sqlparser::ast::Query, Vec<super::OutputColumn>)> {
        self.query(query)
    }

    fn string_pair(&mut self, left: &Expr, right: &Expr, operator: &str) -> Result<(Expr, Expr)> {
        let l = self.expr(left)?;
        if !l.value_type.is_string() {
            return Err(type_error(left, operator, "a string", l.value_type));
        }
        let r = self.expr(right)?;
        if !r.value_type.is_string() {
            return Err(type_error(right, operator, "a string", r.value_type));
        }
        Ok((l.expr, r.expr))
    }

    fn numeric_arg(&mut self, expr: &Expr, function: &str) -> Result<Typed> {
        let typed = self.expr(expr)?;
        if !typed.value_type.is_numeric() {
            return Err(type_error(expr, function, "a number", typed.value_type));
        }
        Ok(typed)
    }

    fn binary_op(&mut self, whole: &Expr, left: &Expr, op: &BinaryOperator, right: &Expr) -> Result<Typed> {
        let l = self.expr(left)?;
        let r = self.expr(right)?;
        let value_type = match op {
            BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply | BinaryOperator::Divide => {
                for (side, typed) in [(left, &l), (right, &r)] {
                    let timestamp_arithmetic = typed.value_type == ValueType::Timestamp;
                    if !typed.value_type.is_numeric() && !timestamp_arithmetic {
                        return Err(type_error(side, &format!("operator {op}"), "a number", typed.value_type));
                    }
                }
                if l.value_type == ValueType::Integer && r.value_type == ValueType::Integer {
                    ValueType::Integer
                } else {
                    ValueType::Float
                }
            }
            BinaryOperator::StringConcat => ValueType::String,
            _ => {
                let _ = whole;
                ValueType::Unknown
            }
        };
        Ok(Typed::new(binary(l.expr, op.clone(), r.expr), value_type))
    }

    /// A (possibly qualified) column reference, resolved to its relation and exact spelling.
    fn column_ref(&mut self, parts: &[Ident], whole: &Expr) -> Result<Typed> {
        let (column_ident, qualifier) = parts.split_last().expect("identifiers have parts");
        let delimited = column_ident.quote_style.is_some();
        let (scope_index, relation_index) = if qualifier.is_empty() {
            let Some(found) = self.lookup_unqualified(column_ident) else {
                return Err(self.unknown_column(column_ident, None));
            };
            let scope = &self.scopes[found.0];
            let holders: Vec<&super::scope::Relation> =
                scope.relations.iter().filter(|r| r.column(&column_ident.value, delimited).is_some()).collect();
            if holders.len() > 1 && !scope.merged_columns.contains(&column_ident.value.to_ascii_lowercase()) {
                let names: Vec<String> = holders.iter().map(|r| format!("{}.{}", r.name, column_ident.value)).collect();
                return Err(AdqlError::new(
                    ErrorKind::AmbiguousColumn,
                    column_ident.span,
                    format!("column '{}' is ambiguous: it is in several tables", column_ident.value),
                )
                .with_help(format!("qualify it: {}", names.join(" or "))));
            }
            found
        } else {
            let table_ident = qualifier.last().expect("non-empty");
            let schema_ident = qualifier.len().checked_sub(2).map(|i| &qualifier[i]);
            let mut found = None;
            for (scope_index, scope) in self.scopes.iter().enumerate().rev() {
                let position = scope.relations.iter().position(|r| {
                    r.answers_to(&table_ident.value, table_ident.quote_style.is_some())
                        && schema_ident.is_none_or(|s| {
                            r.schema.as_deref().is_some_and(|schema| {
                                super::scope::names_match(schema, &s.value, s.quote_style.is_some())
                            })
                        })
                });
                if let Some(position) = position {
                    found = Some((scope_index, position));
                    break;
                }
            }
            let Some(found) = found else {
                let known: Vec<String> =
                    self.scopes.iter().flat_map(|s| s.relations.iter().map(|r| r.name.clone())).collect();
                let mut error = AdqlError::new(
                    ErrorKind::UnknownTable,
                    table_ident.span,
                    format!(
                        "'{}' is not a table or alias in the FROM clause",
                        qualifier.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(".")
                    ),
                );
                if let Some(s) = naming::closest(&table_ident.value, known.iter().map(String::as_str)) {
                    error = error.with_help(format!("did you mean {s}?"));
                }
                return Err(error);
            };
            if self.scopes[found.0].relations[found.1].column(&column_ident.value, delimited).is_none() {
                return Err(self.unknown_column(column_ident, Some(found)));
            }
            found
        };
        let relation = &self.scopes[scope_index].relations[relation_index];
        let column = relation.column(&column_ident.value, delimited).expect("checked above");
        let mut emitted = relation.qualifier.clone();
        emitted.push(quoted(&column.name));
        let _ = whole;
        Ok(Typed {
            expr: Expr::CompoundIdentifier(emitted),
            value_type: column.value_type,
            meta: Some(column.meta.clone()),
            name: Some(column.name.clone()),
        })
    }

    fn unknown_column(&self, ident: &Ident, relation: Option<(usize, usize)>) -> AdqlError {
        let candidates: Vec<String> = match relation {
            Some((s, r)) => self.scopes[s].relations[r].columns.iter().map(|c| c.name.clone()).collect(),
            None => self
                .scopes
                .iter()
                .flat_map(|s| s.relations.iter().flat_map(|r| r.columns.iter().map(|c| c.name.clone())))
                .collect(),
        };
        let message = match relation {
            Some((s, r)) => format!("table {} has no column '{}'", self.scopes[s].relations[r].name, ident.value),
            None => format!("unknown column '{}'", ident.value),
        };
        let mut error = AdqlError::new(ErrorKind::UnknownColumn, ident.span, message);
        let exact_case = candidates.iter().find(|c| c.eq_ignore_ascii_case(&ident.value));
        if let Some(c) = exact_case {
            error = error
                .with_help(format!("delimited identifiers are case-sensitive: write \"{c}\" or {c} without quotes"));
        } else if let Some(s) = naming::closest(&ident.value, candidates.iter().map(String::as_str)) {
            error = error.with_help(format!("did you mean {s}?"));
        }
        error
    }

    fn function(&mut self, whole: &Expr, function: &Function) -> Result<Typed> {
        let name = function.name.to_string().to_ascii_uppercase();
        let spec = functions::lookup(&name)
            .ok_or_else(|| AdqlError::new(ErrorKind::Function, whole.span(), format!("unknown function '{name}'")))?;
        let FunctionArguments::List(list) = &function.args else {
            return Err(AdqlError::new(ErrorKind::Function, whole.span(), format!("{name} needs an argument list")));
        };
        let raw_args: Vec<&Expr> = list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect();
        if spec.class == FunctionClass::Geometry || spec.class == FunctionClass::Udf {
            return self.geometry_function(whole, &name, &raw_args);
        }
        if spec.class == FunctionClass::Aggregate {
            let mut out_args = Vec::new();
            let mut value_type = ValueType::Integer;
            for arg in &list.args {
                match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                        let typed = self.expr(e)?;
                        if matches!(name.as_str(), "AVG" | "SUM") && !typed.value_type.is_numeric() {
                            return Err(type_error(e, &name, "a number", typed.value_type));
                        }
                        value_type = match name.as_str() {
                            "COUNT" => ValueType::Integer,
                            "AVG" => ValueType::Float,
                            _ => typed.value_type,
                        };
                        out_args.push(FunctionArg::Unnamed(FunctionArgExpr::Expr(typed.expr)));
                    }
                    other => out_args.push(other.clone()),
                }
            }
            let mut out = function.clone();
            out.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name.to_ascii_lowercase()))]);
            out.args = FunctionArguments::List(FunctionArgumentList { args: out_args, ..list.clone() });
            return Ok(Typed::new(Expr::Function(out), value_type).named(&name.to_ascii_lowercase()));
        }
        let mut args = Vec::new();
        for arg in &raw_args {
            args.push(self.expr(arg)?);
        }
        let lower = name.to_ascii_lowercase();
        match spec.class {
            FunctionClass::Math | FunctionClass::Trigonometric => {
                for (arg, typed) in raw_args.iter().zip(&args) {
                    if !typed.value_type.is_numeric() {
                        return Err(type_error(arg, &name, "a number", typed.value_type));
                    }
                }
                let mut exprs: Vec<Expr> = args.into_iter().map(|t| t.expr).collect();
                // ADQL's math functions compute in double precision [ADQL 2.1 §2.3].
                if !matches!(name.as_str(), "ROUND" | "TRUNCATE") {
                    exprs = exprs.into_iter().map(cast_double).collect();
                } else if let Some(first) = exprs.first_mut() {
                    *first = cast_double(first.clone());
                }
                let expr = match name.as_str() {
                    "MOD" => {
                        let mut it = exprs.into_iter();
                        let (a, b) = (it.next().expect("2 args"), it.next().expect("2 args"));
                        Expr::Nested(Box::new(binary(a, BinaryOperator::Modulo, b)))
                    }
                    "LOG" => call("ln", exprs),
                    "CEILING" => call("ceil", exprs),
                    "TRUNCATE" => call("trunc", exprs),
                    "RAND" => call("random", vec![]),
                    _ => call(&lower, exprs),
                };
                Ok(Typed::new(expr, ValueType::Float).named(&lower))
            }
            FunctionClass::String => {
                if !args[0].value_type.is_string() {
                    return Err(type_error(raw_args[0], &name, "a string", args[0].value_type));
                }
                Ok(Typed::new(call(&lower, vec![args.remove(0).expr]), ValueType::String).named(&lower))
            }
            FunctionClass::Conditional => {
                let value_type = args.iter().fold(ValueType::Null, |acc, t| acc.unify(t.value_type));
                Ok(Typed::new(call("coalesce", args.into_iter().map(|t| t.expr).collect()), value_type)
                    .named("coalesce"))
            }
            FunctionClass::Unit => self.in_unit(whole, raw_args[0], &args[0], raw_args[1]),
            _ => unreachable!("handled above"),
        }
    }

    fn in_unit(&mut self, whole: &Expr, value_expr: &Expr, value: &Typed, unit_expr: &Expr) -> Result<Typed> {
        let Expr::Value(v) = unit_expr else {
            return Err(AdqlError::new(ErrorKind::Function, unit_expr.span(), "IN_UNIT needs a unit string literal"));
        };
        let Value::SingleQuotedString(target) = &v.value else {
            return Err(AdqlError::new(ErrorKind::Function, unit_expr.span(), "IN_UNIT needs a unit string literal"));
        };
        if !value.value_type.is_numeric() {
            return Err(type_error(value_expr, "IN_UNIT", "a number", value.value_type));
        }
        let Some(source) = value.meta.as_ref().and_then(|m| m.unit.clone()).filter(|u| !u.is_empty()) else {
            return Err(AdqlError::new(
                ErrorKind::Function,
                whole.span(),
                format!("IN_UNIT: '{value_expr}' has no unit, so it cannot be converted to '{target}'"),
            ));
        };
        let factor = crate::units::conversion_factor(&source, target)
            .map_err(|reason| AdqlError::new(ErrorKind::Function, unit_expr.span(), format!("IN_UNIT: {reason}")))?;
        let meta = ColumnMeta { unit: Some(target.clone()), ..value.meta.clone().unwrap_or_default() };
        Ok(Typed {
            expr: binary(cast_double(value.expr.clone()), BinaryOperator::Multiply, number(factor)),
            value_type: ValueType::Float,
            meta: Some(meta),
            name: value.name.clone(),
        })
    }
}

pub(super) fn type_error(expr: &Expr, context: &str, expected: &str, got: ValueType) -> AdqlError {
    AdqlError::new(
        ErrorKind::Function,
        expr.span(),
        format!("{context} expects {expected}, but '{expr}' is {}", got.describe()),
    )
}
