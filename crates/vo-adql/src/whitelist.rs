//! Rejects everything sqlparser accepts that is not ADQL 2.1: LIMIT, `::` casts, DDL, window
//! functions, unknown functions, non-ADQL literals... with a located message saying what to write.

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Distinct, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr,
    JoinConstraint, JoinOperator, LimitClause, ObjectName, OffsetRows, OrderByKind, Query, Select, SelectItem, SetExpr,
    SetOperator, SetQuantifier, Spanned, TableFactor, TableWithJoins, UnaryOperator, Value,
};

use crate::error::{AdqlError, ErrorKind, Result};
use crate::functions::{self, FunctionClass};

fn not_adql(node: &impl Spanned, what: &str) -> AdqlError {
    AdqlError::syntax(node.span(), format!("{what} is not part of ADQL"))
}

fn not_adql_at(ident: &sqlparser::ast::Ident, what: &str) -> AdqlError {
    AdqlError::syntax(ident.span, format!("{what} is not part of ADQL"))
}

/// Checks a whole query (also used for subqueries).
#[recursive::recursive]
pub(crate) fn check_query(query: &Query) -> Result<()> {
    if let Some(with) = &query.with {
        if with.recursive {
            return Err(AdqlError::new(
                ErrorKind::Unsupported,
                with.with_token.0.span,
                "WITH RECURSIVE is not part of ADQL",
            ));
        }
        for cte in &with.cte_tables {
            if cte.materialized.is_some() || cte.from.is_some() {
                return Err(not_adql_at(&cte.alias.name, "this form of common table expression"));
            }
            check_query(&cte.query)?;
        }
    }
    check_set_expr(&query.body)?;
    if let Some(order_by) = &query.order_by {
        match &order_by.kind {
            OrderByKind::Expressions(items) => {
                for item in items {
                    if item.options.nulls_first.is_some() {
                        return Err(not_adql(&item.expr, "NULLS FIRST/LAST"));
                    }
                    if item.with_fill.is_some() {
                        return Err(not_adql(&item.expr, "WITH FILL"));
                    }
                    check_expr(&item.expr)?;
                }
            }
            OrderByKind::All(_) => {
                return Err(AdqlError::syntax(query.body.span(), "ORDER BY ALL is not part of ADQL"));
            }
        }
        if order_by.interpolate.is_some() {
            return Err(AdqlError::syntax(query.body.span(), "INTERPOLATE is not part of ADQL"));
        }
    }
    if let Some(limit_clause) = &query.limit_clause {
        check_limit_clause(limit_clause)?;
    }
    if let Some(fetch) = &query.fetch {
        let position = fetch.quantity.as_ref().map(|q| q.span()).unwrap_or(query.body.span());
        return Err(AdqlError::syntax(position, "FETCH is not part of ADQL").with_help("use SELECT TOP n"));
    }
    if !query.locks.is_empty() || query.for_clause.is_some() || query.settings.is_some() {
        return Err(AdqlError::syntax(query.body.span(), "locking, FOR and SETTINGS clauses are not part of ADQL"));
    }
    if query.format_clause.is_some() || !query.pipe_operators.is_empty() {
        return Err(AdqlError::syntax(query.body.span(), "FORMAT clauses and pipe operators are not part of ADQL"));
    }
    Ok(())
}

fn check_limit_clause(clause: &LimitClause) -> Result<()> {
    match clause {
        LimitClause::LimitOffset { limit, offset, limit_by } => {
            if let Some(limit) = limit {
                let help = match limit {
                    Expr::Value(v) => format!("write SELECT TOP {} ... instead", v.value),
                    _ => "write SELECT TOP n ... instead".to_string(),
                };
                return Err(AdqlError::syntax(limit.span(), "LIMIT is not part of ADQL").with_help(help));
            }
            if let Some(first) = limit_by.first() {
                return Err(not_adql(first, "LIMIT BY"));
            }
            if let Some(offset) = offset {
                if !matches!(offset.rows, OffsetRows::None) {
                    return Err(not_adql(&offset.value, "OFFSET ... ROWS"));
                }
                check_unsigned_integer(&offset.value, "OFFSET")?;
            }
            Ok(())
        }
        LimitClause::OffsetCommaLimit { limit, .. } => {
            Err(AdqlError::syntax(limit.span(), "LIMIT is not part of ADQL")
                .with_help("write SELECT TOP n ... instead"))
        }
    }
}

fn check_unsigned_integer(expr: &Expr, clause: &str) -> Result<()> {
    if let Expr::Value(v) = expr
        && let Value::Number(n, _) = &v.value
        && n.parse::<u64>().is_ok()
    {
        return Ok(());
    }
    Err(AdqlError::syntax(expr.span(), format!("{clause} needs an unsigned integer literal")))
}

#[recursive::recursive]
fn check_set_expr(body: &SetExpr) -> Result<()> {
    match body {
        SetExpr::Select(select) => check_select(select),
        SetExpr::Query(query) => check_query(query),
        SetExpr::SetOperation { op, set_quantifier, left, right } => {
            if matches!(op, SetOperator::Minus) {
                return Err(not_adql(body, "MINUS").with_help("use EXCEPT"));
            }
            if !matches!(set_quantifier, SetQuantifier::None | SetQuantifier::All | SetQuantifier::Distinct) {
                return Err(not_adql(body, "BY NAME set operations"));
            }
            check_set_expr(left)?;
            check_set_expr(right)
        }
        SetExpr::Values(_) => Err(not_adql(body, "VALUES")),
        SetExpr::Table(_) => Err(not_adql(body, "TABLE")),
        _ => Err(AdqlError::syntax(body.span(), "only SELECT queries are allowed in ADQL")),
    }
}

fn check_select(select: &Select) -> Result<()> {
    let here = select.select_token.0.span;
    if !select.optimizer_hints.is_empty() || select.select_modifiers.is_some() || select.value_table_mode.is_some() {
        return Err(AdqlError::syntax(here, "SELECT modifiers are not part of ADQL"));
    }
    if let Some(Distinct::On(_)) = &select.distinct {
        return Err(AdqlError::syntax(here, "DISTINCT ON is not part of ADQL"));
    }
    if let Some(top) = &select.top {
        if top.percent || top.with_ties {
            return Err(AdqlError::syntax(here, "TOP ... PERCENT / WITH TIES is not part of ADQL"));
        }
        match &top.quantity {
            Some(sqlparser::ast::TopQuantity::Constant(_)) => {}
            Some(sqlparser::ast::TopQuantity::Expr(expr)) => check_unsigned_integer(expr, "TOP")?,
            None => return Err(AdqlError::syntax(here, "TOP needs a number of rows")),
        }
    }
    if select.exclude.is_some() || select.into.is_some() || !select.lateral_views.is_empty() {
        return Err(AdqlError::syntax(here, "EXCLUDE, INTO and LATERAL VIEW are not part of ADQL"));
    }
    if select.prewhere.is_some() || select.qualify.is_some() || !select.connect_by.is_empty() {
        return Err(AdqlError::syntax(here, "PREWHERE, QUALIFY and CONNECT BY are not part of ADQL"));
    }
    if !select.cluster_by.is_empty() || !select.distribute_by.is_empty() || !select.sort_by.is_empty() {
        return Err(AdqlError::syntax(here, "CLUSTER/DISTRIBUTE/SORT BY are not part of ADQL"));
    }
    if !select.named_window.is_empty() {
        return Err(AdqlError::syntax(here, "WINDOW clauses are not part of ADQL"));
    }
    if select.from.is_empty() {
        return Err(AdqlError::syntax(here, "a SELECT needs a FROM clause in ADQL"));
    }
    for item in &select.projection {
        match item {
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => check_expr(expr)?,
            SelectItem::ExprWithAliases { expr, .. } => return Err(not_adql(expr, "several aliases for one column")),
            SelectItem::Wildcard(options) | SelectItem::QualifiedWildcard(_, options) => {
                if options.opt_ilike.is_some()
                    || options.opt_exclude.is_some()
                    || options.opt_except.is_some()
                    || options.opt_replace.is_some()
                    || options.opt_rename.is_some()
                    || options.opt_alias.is_some()
                {
                    return Err(AdqlError::syntax(here, "wildcard options (EXCLUDE, REPLACE...) are not part of ADQL"));
                }
            }
        }
    }
    for table in &select.from {
        check_table_with_joins(table)?;
    }
    if let Some(selection) = &select.selection {
        check_condition(selection)?;
    }
    match &select.group_by {
        GroupByExpr::Expressions(exprs, modifiers) => {
            if !modifiers.is_empty() {
                return Err(AdqlError::syntax(here, "GROUP BY modifiers (ROLLUP, CUBE...) are not part of ADQL"));
            }
            for expr in exprs {
                check_expr(expr)?;
            }
        }
        GroupByExpr::All(_) => return Err(AdqlError::syntax(here, "GROUP BY ALL is not part of ADQL")),
    }
    if let Some(having) = &select.having {
        check_condition(having)?;
    }
    Ok(())
}

fn check_table_with_joins(table: &TableWithJoins) -> Result<()> {
    check_table_factor(&table.relation)?;
    for join in &table.joins {
        if join.global {
            return Err(not_adql(&join.relation, "GLOBAL joins"));
        }
        let constraint = match &join.join_operator {
            JoinOperator::Join(c)
            | JoinOperator::Inner(c)
            | JoinOperator::Left(c)
            | JoinOperator::LeftOuter(c)
            | JoinOperator::Right(c)
            | JoinOperator::RightOuter(c)
            | JoinOperator::FullOuter(c) => c,
            JoinOperator::CrossJoin(_) => {
                return Err(not_adql(&join.relation, "CROSS JOIN")
                    .with_help("list the tables separated by commas, or use JOIN ... ON"));
            }
            _ => return Err(not_adql(&join.relation, "this kind of join")),
        };
        check_table_factor(&join.relation)?;
        match constraint {
            JoinConstraint::On(condition) => check_condition(condition)?,
            JoinConstraint::Using(columns) => {
                for column in columns {
                    if column.0.len() != 1 {
                        return Err(AdqlError::syntax(column.span(), "USING takes plain column names"));
                    }
                }
            }
            JoinConstraint::Natural => {}
            JoinConstraint::None => {
                return Err(AdqlError::syntax(join.relation.span(), "JOIN needs ON, USING, or NATURAL")
                    .with_help("add ON <condition>, or list the tables separated by commas"));
            }
        }
    }
    Ok(())
}

fn check_table_factor(factor: &TableFactor) -> Result<()> {
    match factor {
        TableFactor::Table {
            name,
            alias,
            args,
            with_hints,
            version,
            with_ordinality,
            partitions,
            json_path,
            sample,
            index_hints,
        } => {
            if args.is_some() {
                return Err(AdqlError::syntax(
                    name.span(),
                    format!("'{name}' is a table function call; ADQL can only read tables"),
                ));
            }
            if !with_hints.is_empty()
                || version.is_some()
                || *with_ordinality
                || !partitions.is_empty()
                || json_path.is_some()
                || sample.is_some()
                || !index_hints.is_empty()
            {
                return Err(not_adql(name, "this table modifier"));
            }
            if name.0.len() > 3 || name.0.iter().any(|part| part.as_ident().is_none()) {
                return Err(AdqlError::syntax(name.span(), format!("'{name}' is not a valid table name")));
            }
            if let Some(alias) = alias
                && !alias.columns.is_empty()
            {
                return Err(not_adql_at(&alias.name, "a column list after a table alias"));
            }
            Ok(())
        }
        TableFactor::Derived { lateral, subquery, alias, sample } => {
            if *lateral || sample.is_some() {
                return Err(not_adql(subquery.as_ref(), "LATERAL"));
            }
            match alias {
                None => {
                    return Err(AdqlError::syntax(subquery.body.span(), "a subquery in FROM needs a name")
                        .with_help("add AS <name> after the closing parenthesis"));
                }
                Some(alias) if !alias.columns.is_empty() => {
                    return Err(not_adql_at(&alias.name, "a column list after a subquery alias"));
                }
                Some(_) => {}
            }
            check_query(subquery)
        }
        TableFactor::NestedJoin { table_with_joins, alias } => {
            if let Some(alias) = alias {
                return Err(not_adql_at(&alias.name, "an alias on a parenthesised join"));
            }
            check_table_with_joins(table_with_joins)
        }
        other => Err(AdqlError::syntax(other.span(), "only tables, joins and named subqueries can appear in FROM")),
    }
}

/// A search condition (WHERE, HAVING, ON): ADQL needs a comparison around CONTAINS/INTERSECTS.
#[recursive::recursive]
fn check_condition(expr: &Expr) -> Result<()> {
    match expr {
        Expr::BinaryOp { left, op: BinaryOperator::And | BinaryOperator::Or, right } => {
            check_condition(left)?;
            check_condition(right)
        }
        Expr::UnaryOp { op: UnaryOperator::Not, expr } | Expr::Nested(expr) => check_condition(expr),
        Expr::Function(function) => {
            let name = function.name.to_string().to_ascii_uppercase();
            if name == "CONTAINS" || name == "INTERSECTS" {
                return Err(AdqlError::syntax(
                    expr.span(),
                    format!("{name} returns 1 or 0, not a truth value; compare it with 1"),
                )
                .with_help(format!("write 1 = {expr}")));
            }
            check_expr(expr)
        }
        _ => check_expr(expr),
    }
}

#[recursive::recursive]
fn check_expr(expr: &Expr) -> Result<()> {
    match expr {
        Expr::Identifier(_) => Ok(()),
        Expr::CompoundIdentifier(parts) => {
            if parts.len() > 4 {
                return Err(AdqlError::syntax(expr.span(), format!("'{expr}' has too many name parts")));
            }
            Ok(())
        }
        Expr::Value(value) => check_value(value),
        Expr::BinaryOp { left, op, right } => {
            match op {
                BinaryOperator::Plus
                | BinaryOperator::Minus
                | BinaryOperator::Multiply
                | BinaryOperator::Divide
                | BinaryOperator::StringConcat
                | BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq => {}
                BinaryOperator::And | BinaryOperator::Or => {
                    check_condition(left)?;
                    return check_condition(right);
                }
                BinaryOperator::Modulo => {
                    return Err(not_adql(expr, "the % operator").with_help("use MOD(x, y)"));
                }
                other => return Err(not_adql(expr, &format!("the operator {other}"))),
            }
            check_expr(left)?;
            check_expr(right)
        }
        Expr::UnaryOp { op, expr: inner } => match op {
            UnaryOperator::Plus | UnaryOperator::Minus => check_expr(inner),
            UnaryOperator::Not => check_condition(inner),
            other => Err(not_adql(expr, &format!("the operator {other}"))),
        },
        Expr::Nested(inner) => check_expr(inner),
        Expr::IsNull(inner) | Expr::IsNotNull(inner) => check_expr(inner),
        Expr::InList { expr: inner, list, .. } => {
            check_expr(inner)?;
            list.iter().try_for_each(check_expr)
        }
        Expr::InSubquery { expr: inner, subquery, .. } => {
            check_expr(inner)?;
            check_query(subquery)
        }
        Expr::Between { expr: inner, low, high, .. } => {
            check_expr(inner)?;
            check_expr(low)?;
            check_expr(high)
        }
        Expr::Like { any, expr: inner, pattern, escape_char, .. }
        | Expr::ILike { any, expr: inner, pattern, escape_char, .. } => {
            if *any || escape_char.is_some() {
                return Err(not_adql(expr, "LIKE ANY / ESCAPE"));
            }
            check_expr(inner)?;
            check_expr(pattern)
        }
        Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => check_query(subquery),
        Expr::Case { operand, conditions, else_result, .. } => {
            if let Some(operand) = operand {
                check_expr(operand)?;
            }
            for when in conditions {
                if operand.is_some() {
                    check_expr(&when.condition)?;
                } else {
                    check_condition(&when.condition)?;
                }
                check_expr(&when.result)?;
            }
            else_result.as_deref().map_or(Ok(()), check_expr)
        }
        Expr::Cast { kind, expr: inner, data_type, array, format } => {
            if !matches!(kind, CastKind::Cast) {
                return Err(not_adql(expr, &format!("this cast ({expr})")).with_help("write CAST(value AS type)"));
            }
            if *array || format.is_some() {
                return Err(not_adql(expr, "CAST ... ARRAY / FORMAT"));
            }
            check_cast_type(expr, data_type)?;
            check_expr(inner)
        }
        Expr::Ceil { expr: inner, field } | Expr::Floor { expr: inner, field } => {
            if !matches!(field, sqlparser::ast::CeilFloorKind::DateTimeField(sqlparser::ast::DateTimeField::NoDateTime))
            {
                return Err(not_adql(expr, "CEILING/FLOOR with a second argument"));
            }
            check_expr(inner)
        }
        Expr::Function(function) => check_function(expr, function),
        Expr::TypedString(_) => Err(not_adql(expr, "a typed literal")
            .with_help("write the value as a string and CAST it, e.g. CAST('2020-01-01T00:00:00' AS TIMESTAMP)")),
        Expr::Interval(_) => Err(not_adql(expr, "INTERVAL")),
        Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => {
            Err(AdqlError::syntax(expr.span(), "'*' is not allowed here"))
        }
        _ => Err(not_adql(expr, &format!("the expression '{expr}'"))),
    }
}

fn check_value(value: &sqlparser::ast::ValueWithSpan) -> Result<()> {
    match &value.value {
        Value::Number(..) | Value::SingleQuotedString(_) | Value::Null => Ok(()),
        Value::Boolean(_) => {
            Err(AdqlError::syntax(value.span, "ADQL has no TRUE/FALSE literals").with_help("compare with 1 or 0"))
        }
        Value::HexStringLiteral(_) => {
            Err(AdqlError::syntax(value.span, "hexadecimal literals are not part of ADQL 2.1"))
        }
        Value::Placeholder(p) => {
            Err(AdqlError::syntax(value.span, format!("'{p}' is not valid ADQL: parameters are not supported")))
        }
        other => Err(AdqlError::syntax(value.span, format!("the literal {other} is not valid ADQL"))
            .with_help("ADQL strings use single quotes; double quotes delimit identifiers")),
    }
}

fn check_cast_type(expr: &Expr, data_type: &DataType) -> Result<()> {
    let allowed = matches!(
        data_type,
        DataType::Integer(None)
            | DataType::Int(None)
            | DataType::SmallInt(None)
            | DataType::BigInt(None)
            | DataType::Real
            | DataType::DoublePrecision
            | DataType::Char(_)
            | DataType::Character(_)
            | DataType::Varchar(_)
            | DataType::CharacterVarying(_)
            | DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::None)
    );
    if allowed {
        Ok(())
    } else {
        Err(AdqlError::new(ErrorKind::Unsupported, expr.span(), format!("CAST to {data_type} is not supported"))
            .with_help(
                "ADQL casts to INTEGER, SMALLINT, BIGINT, REAL, DOUBLE PRECISION, CHAR(n), VARCHAR(n) or TIMESTAMP",
            ))
    }
}

fn check_function(expr: &Expr, function: &sqlparser::ast::Function) -> Result<()> {
    let name = function_name(&function.name)
        .ok_or_else(|| AdqlError::syntax(expr.span(), format!("'{}' is not a function ADQL knows", function.name)))?;
    let Some(spec) = functions::lookup(&name) else {
        let mut error = AdqlError::new(ErrorKind::Function, function.name.span(), format!("unknown function '{name}'"));
        if let Some(suggestion) = functions::suggest(&name) {
            error = error.with_help(format!("did you mean {suggestion}?"));
        }
        return Err(error);
    };
    if function.filter.is_some() || function.null_treatment.is_some() || function.over.is_some() {
        return Err(not_adql(expr, "FILTER, OVER and window functions"));
    }
    if !function.within_group.is_empty() || function.uses_odbc_syntax {
        return Err(not_adql(expr, "WITHIN GROUP"));
    }
    if !matches!(function.parameters, FunctionArguments::None) {
        return Err(not_adql(expr, "parametric function calls"));
    }
    let list = match &function.args {
        FunctionArguments::List(list) => list,
        FunctionArguments::None => {
            return Err(AdqlError::new(
                ErrorKind::Function,
                expr.span(),
                format!("{name} needs parentheses: {name}(...)"),
            ));
        }
        FunctionArguments::Subquery(query) => {
            return Err(AdqlError::syntax(query.body.span(), "a subquery cannot be a function's argument list"));
        }
    };
    if !list.clauses.is_empty() {
        return Err(not_adql(expr, "clauses inside a function call"));
    }
    if list.duplicate_treatment.is_some() && spec.class != FunctionClass::Aggregate {
        return Err(AdqlError::syntax(
            expr.span(),
            format!("DISTINCT/ALL is only allowed in aggregate functions, not {name}"),
        ));
    }
    let count = list.args.len();
    let too_few = count < spec.min_args;
    let too_many = spec.max_args.is_some_and(|max| count > max);
    if too_few || too_many {
        let expected = match spec.max_args {
            Some(max) if max == spec.min_args => format!("{max}"),
            Some(max) => format!("{} to {max}", spec.min_args),
            None => format!("at least {}", spec.min_args),
        };
        return Err(AdqlError::new(
            ErrorKind::Function,
            expr.span(),
            format!("{name} takes {expected} argument{}, got {count}", if expected == "1" { "" } else { "s" }),
        ));
    }
    for arg in &list.args {
        match arg {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(inner)) => check_expr(inner)?,
            FunctionArg::Unnamed(FunctionArgExpr::Wildcard)
                if name == "COUNT" && list.duplicate_treatment.is_none() => {}
            FunctionArg::Unnamed(_) => {
                return Err(AdqlError::syntax(expr.span(), format!("'*' is only allowed in COUNT(*), not in {name}")));
            }
            _ => return Err(not_adql(expr, "named function arguments")),
        }
    }
    Ok(())
}

/// The function's name if it is a single plain identifier.
fn function_name(name: &ObjectName) -> Option<String> {
    match name.0.as_slice() {
        [part] => part.as_ident().filter(|i| i.quote_style.is_none()).map(|i| i.value.to_ascii_uppercase()),
        _ => None,
    }
}
