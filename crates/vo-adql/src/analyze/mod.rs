//! Semantic analysis and translation: resolves every name against the catalogue (ADQL case rules,
//! "did you mean"), checks function arguments, and produces the SQL syntax tree DataFusion plans,
//! with quoted exact identifiers, `SELECT *` expanded, TOP turned into LIMIT, ADQL functions mapped
//! to DataFusion and geometry UDFs, and HEALPix pre-filters added (see [`spatial`]).

mod expr;
mod geometry;
mod naming;
pub mod scope;
pub(crate) mod spatial;
pub mod types;

use sqlparser::ast::{
    Cte, Expr, GroupByExpr, Ident, JoinConstraint, JoinOperator, LimitClause, ObjectName, ObjectNamePart, Offset,
    OffsetRows, OrderBy, OrderByExpr, OrderByKind, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
    Spanned, TableAlias, TableFactor, TableWithJoins, TopQuantity, Value, With,
};

use crate::catalog::{AdqlCatalog, TableInfo};
use crate::error::{AdqlError, ErrorKind, Position, Result};
use scope::{ColumnMeta, RelColumn, Relation, Scope, names_match, quoted};
use types::ValueType;

/// A result column of the analysed query.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputColumn {
    pub name: String,
    pub value_type: ValueType,
    pub meta: ColumnMeta,
}

/// The result of analysis: the SQL for DataFusion and the metadata of the result columns.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub query: Query,
    pub columns: Vec<OutputColumn>,
}

/// Analyses a parsed query against a catalogue.
pub fn analyze(query: &Query, catalog: &dyn AdqlCatalog) -> Result<Analysis> {
    let mut analyzer = Analyzer { catalog, scopes: Vec::new(), ctes: Vec::new(), generated: 0 };
    let (query, columns) = analyzer.query(query)?;
    Ok(Analysis { query, columns })
}

/// Where a relation of the current SELECT sits in the emitted FROM clause, for rewrites that wrap it.
#[derive(Debug, Clone, Copy)]
struct FactorSlot {
    from_index: usize,
    /// `None`: the first relation of `from[from_index]`; `Some(j)`: the relation of join `j`.
    join_index: Option<usize>,
}

struct Analyzer<'a> {
    catalog: &'a dyn AdqlCatalog,
    scopes: Vec<Scope>,
    /// Visible common table expressions, innermost last.
    ctes: Vec<Vec<Relation>>,
    /// Counter for generated internal names.
    generated: usize,
}

impl Analyzer<'_> {
    #[recursive::recursive]
    fn query(&mut self, query: &Query) -> Result<(Query, Vec<OutputColumn>)> {
        let mut out = query.clone();
        self.ctes.push(Vec::new());
        if let Some(with) = &query.with {
            let mut tables = Vec::new();
            for cte in &with.cte_tables {
                let (cte_query, columns) = self.query(&cte.query)?;
                let name = cte.alias.name.clone();
                self.ctes.last_mut().expect("pushed").push(Relation {
                    name: name.value.clone(),
                    delimited: name.quote_style.is_some(),
                    schema: None,
                    qualifier: vec![quoted(&name.value)],
                    columns: columns.iter().map(as_rel_column).collect(),
                    table: None,
                });
                tables.push(Cte {
                    alias: TableAlias { explicit: false, name: quoted(&name.value), columns: vec![], at: None },
                    query: Box::new(cte_query),
                    ..cte.clone()
                });
            }
            out.with = Some(With { cte_tables: tables, ..with.clone() });
        }
        let result = self.query_body(query, &mut out);
        self.ctes.pop();
        let columns = result?;
        Ok((out, columns))
    }

    fn query_body(&mut self, query: &Query, out: &mut Query) -> Result<Vec<OutputColumn>> {
        let order_by = query.order_by.as_ref();
        let (body, columns, top) = match query.body.as_ref() {
            SetExpr::Select(select) => {
                let (select, columns, order_by) = self.select(select, order_by)?;
                out.order_by = order_by;
                let top = select.top.as_ref().and_then(top_count);
                let mut select = select;
                select.top = None;
                (SetExpr::Select(Box::new(select)), columns, top)
            }
            other => {
                let (body, columns) = self.set_expr(other)?;
                if let Some(order_by) = order_by {
                    out.order_by = Some(self.order_by_outputs(order_by, &columns)?);
                }
                (body, columns, None)
            }
        };
        *out.body = body;
        // ADQL applies OFFSET before TOP, which is exactly SQL's LIMIT n OFFSET m.
        let offset = match &query.limit_clause {
            Some(LimitClause::LimitOffset { offset, .. }) => offset.clone(),
            _ => None,
        };
        out.limit_clause = if top.is_some() || offset.is_some() {
            Some(LimitClause::LimitOffset {
                limit: top.map(|n| Expr::value(Value::Number(n.to_string(), false))),
                offset: offset.map(|o| Offset { value: o.value, rows: OffsetRows::None }),
                limit_by: vec![],
            })
        } else {
            None
        };
        Ok(columns)
    }

    /// A query term: a SELECT, a parenthesised query or a set operation.
    #[recursive::recursive]
    fn set_expr(&mut self, body: &SetExpr) -> Result<(SetExpr, Vec<OutputColumn>)> {
        match body {
            SetExpr::Select(select) => {
                let (mut select, columns, _) = self.select(select, None)?;
                // TOP inside a set operation applies to this SELECT only: keep it as a subquery.
                if let Some(n) = select.top.take().as_ref().and_then(top_count) {
                    let query = Query {
                        with: None,
                        body: Box::new(SetExpr::Select(Box::new(select))),
                        order_by: None,
                        limit_clause: Some(LimitClause::LimitOffset {
                            limit: Some(Expr::value(Value::Number(n.to_string(), false))),
                            offset: None,
                            limit_by: vec![],
                        }),
                        fetch: None,
                        locks: vec![],
                        for_clause: None,
                        settings: None,
                        format_clause: None,
                        pipe_operators: vec![],
                    };
                    return Ok((SetExpr::Query(Box::new(query)), columns));
                }
                Ok((SetExpr::Select(Box::new(select)), columns))
            }
            SetExpr::Query(query) => {
                let (query, columns) = self.query(query)?;
                Ok((SetExpr::Query(Box::new(query)), columns))
            }
            SetExpr::SetOperation { op, set_quantifier, left, right } => {
                let (left_out, left_columns) = self.set_expr(left)?;
                let (right_out, right_columns) = self.set_expr(right)?;
                if left_columns.len() != right_columns.len() {
                    return Err(AdqlError::new(
                        ErrorKind::Planning,
                        right.span(),
                        format!(
                            "both sides of {op} must have the same number of columns ({} and {})",
                            left_columns.len(),
                            right_columns.len()
                        ),
                    ));
                }
                // Metadata comes from the left operand [ADQL §4.6].
                let columns = left_columns
                    .into_iter()
                    .zip(right_columns)
                    .map(|(l, r)| OutputColumn { value_type: l.value_type.unify(r.value_type), ..l })
                    .collect();
                Ok((
                    SetExpr::SetOperation {
                        op: *op,
                        set_quantifier: *set_quantifier,
                        left: Box::new(left_out),
                        right: Box::new(right_out),
                    },
                    columns,
                ))
            }
            other => Err(AdqlError::syntax(other.span(), "only SELECT queries are allowed in ADQL")),
        }
    }

    /// ORDER BY over a set operation: output column names or ordinals only.
    fn order_by_outputs(&mut self, order_by: &OrderBy, columns: &[OutputColumn]) -> Result<OrderBy> {
        let OrderByKind::Expressions(items) = &order_by.kind else { return Ok(order_by.clone()) };
        let mut out = Vec::new();
        for item in items {
            let expr = match &item.expr {
                Expr::Identifier(ident) => {
                    let found =
                        columns.iter().find(|c| names_match(&c.name, &ident.value, ident.quote_style.is_some()));
                    match found {
                        Some(c) => Expr::Identifier(quoted(&c.name)),
                        None => return Err(self.unknown_output(ident, columns)),
                    }
                }
                Expr::Value(_) => item.expr.clone(),
                other => {
                    return Err(AdqlError::new(
                        ErrorKind::Unsupported,
                        other.span(),
                        "ORDER BY after UNION/INTERSECT/EXCEPT can only name result columns",
                    ));
                }
            };
            out.push(OrderByExpr { expr, ..item.clone() });
        }
        Ok(OrderBy { kind: OrderByKind::Expressions(out), interpolate: None })
    }

    fn unknown_output(&self, ident: &Ident, columns: &[OutputColumn]) -> AdqlError {
        let mut error =
            AdqlError::new(ErrorKind::UnknownColumn, ident.span, format!("unknown result column '{}'", ident.value));
        if let Some(s) = naming::closest(&ident.value, columns.iter().map(|c| c.name.as_str())) {
            error = error.with_help(format!("did you mean {s}?"));
        }
        error
    }

    #[recursive::recursive]
    fn select(
        &mut self,
        select: &Select,
        order_by: Option<&OrderBy>,
    ) -> Result<(Select, Vec<OutputColumn>, Option<OrderBy>)> {
        self.scopes.push(Scope::default());
        let result = self.select_in_scope(select, order_by);
        self.scopes.pop();
        result
    }

    fn select_in_scope(
        &mut self,
        select: &Select,
        order_by: Option<&OrderBy>,
    ) -> Result<(Select, Vec<OutputColumn>, Option<OrderBy>)> {
        let mut out = select.clone();
        let mut slots = Vec::new();
        out.from = Vec::new();
        for (from_index, table) in select.from.iter().enumerate() {
            let emitted = self.table_with_joins(table, from_index, &mut slots)?;
            out.from.push(emitted);
        }
        for (from_index, table) in select.from.iter().enumerate() {
            for (join_index, join) in table.joins.iter().enumerate() {
                if let Some(JoinConstraint::On(condition)) = join_constraint(&join.join_operator) {
                    spatial::apply_on(self, condition, &mut out, from_index, join_index, &mut slots)?;
                }
            }
        }

        let mut names = naming::OutputNames::default();
        let mut projection = Vec::new();
        let mut columns = Vec::new();
        for item in &select.projection {
            match item {
                SelectItem::Wildcard(_) => {
                    let relations = self.scope().relations.clone();
                    self.expand_star(&relations, &mut names, &mut projection, &mut columns);
                }
                SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                    let relation = self.relation_for_star(name)?;
                    self.expand_star(&[relation], &mut names, &mut projection, &mut columns);
                }
                SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => {
                    let typed = self.expr(expr)?;
                    let wanted = match item {
                        SelectItem::ExprWithAlias { alias, .. } => alias.value.clone(),
                        _ => typed.name.clone().unwrap_or_else(|| "expr".into()),
                    };
                    let name = names.claim(&wanted);
                    let mut meta = typed.meta.clone().unwrap_or_default();
                    if meta.xtype.is_none() {
                        meta.xtype = typed.value_type.xtype().map(str::to_string);
                    }
                    projection.push(SelectItem::ExprWithAlias { expr: typed.expr, alias: quoted(&name) });
                    columns.push(OutputColumn { name, value_type: typed.value_type, meta });
                }
                other => return Err(AdqlError::syntax(Position::UNKNOWN, format!("unsupported select item {other}"))),
            }
        }
        out.projection = projection;

        if let Some(selection) = &select.selection {
            let condition = self.expr(selection)?.expr;
            out.selection = Some(condition);
            spatial::apply_where(self, selection, &mut out, &mut slots)?;
        }
        if let GroupByExpr::Expressions(exprs, modifiers) = &select.group_by {
            let mut grouped = Vec::new();
            for expr in exprs {
                grouped.push(self.expr_or_output(expr, &columns)?);
            }
            out.group_by = GroupByExpr::Expressions(grouped, modifiers.clone());
        }
        if let Some(having) = &select.having {
            out.having = Some(self.expr_or_output(having, &columns)?);
        }
        let order_by = match order_by {
            Some(order_by) => Some(self.order_by(order_by, &columns)?),
            None => None,
        };
        Ok((out, columns, order_by))
    }

    /// GROUP BY / HAVING / ORDER BY terms: an input column, else a result column alias.
    fn expr_or_output(&mut self, expr: &Expr, columns: &[OutputColumn]) -> Result<Expr> {
        if let Expr::Identifier(ident) = expr {
            let input = self.lookup_unqualified(ident);
            if input.is_none()
                && let Some(c) =
                    columns.iter().find(|c| names_match(&c.name, &ident.value, ident.quote_style.is_some()))
            {
                return Ok(Expr::Identifier(quoted(&c.name)));
            }
        }
        Ok(self.expr(expr)?.expr)
    }

    fn order_by(&mut self, order_by: &OrderBy, columns: &[OutputColumn]) -> Result<OrderBy> {
        let OrderByKind::Expressions(items) = &order_by.kind else { return Ok(order_by.clone()) };
        let mut out = Vec::new();
        for item in items {
            // Result column names take precedence in ORDER BY, as in SQL.
            let expr = match &item.expr {
                Expr::Identifier(ident)
                    if columns.iter().any(|c| names_match(&c.name, &ident.value, ident.quote_style.is_some())) =>
                {
                    let c = columns
                        .iter()
                        .find(|c| names_match(&c.name, &ident.value, ident.quote_style.is_some()))
                        .expect("checked");
                    Expr::Identifier(quoted(&c.name))
                }
                Expr::Value(v) => {
                    if let Value::Number(n, _) = &v.value {
                        let ordinal: usize = n.parse().unwrap_or(0);
                        if ordinal == 0 || ordinal > columns.len() {
                            return Err(AdqlError::syntax(
                                v.span,
                                format!("ORDER BY {n}: there are only {} result columns", columns.len()),
                            ));
                        }
                    }
                    item.expr.clone()
                }
                other => self.expr(other)?.expr,
            };
            out.push(OrderByExpr { expr, ..item.clone() });
        }
        Ok(OrderBy { kind: OrderByKind::Expressions(out), interpolate: None })
    }

    fn scope(&self) -> &Scope {
        self.scopes.last().expect("inside a SELECT")
    }

    fn scope_mut(&mut self) -> &mut Scope {
        self.scopes.last_mut().expect("inside a SELECT")
    }

    fn expand_star(
        &self,
        relations: &[Relation],
        names: &mut naming::OutputNames,
        projection: &mut Vec<SelectItem>,
        columns: &mut Vec<OutputColumn>,
    ) {
        let merged = &self.scope().merged_columns;
        let mut seen_merged: Vec<String> = Vec::new();
        for relation in relations {
            for column in &relation.columns {
                let lower = column.name.to_ascii_lowercase();
                if merged.contains(&lower) {
                    // A USING/NATURAL join column appears once.
                    if seen_merged.contains(&lower) {
                        continue;
                    }
                    seen_merged.push(lower);
                }
                let name = names.claim(&column.name);
                let mut parts = relation.qualifier.clone();
                parts.push(quoted(&column.name));
                projection
                    .push(SelectItem::ExprWithAlias { expr: Expr::CompoundIdentifier(parts), alias: quoted(&name) });
                columns.push(OutputColumn { name, value_type: column.value_type, meta: column.meta.clone() });
            }
        }
    }

    fn relation_for_star(&self, name: &ObjectName) -> Result<Relation> {
        let parts: Vec<&Ident> = name.0.iter().filter_map(ObjectNamePart::as_ident).collect();
        let found = match parts.as_slice() {
            [table] => self.scope().relations.iter().find(|r| r.answers_to(&table.value, table.quote_style.is_some())),
            [.., schema, table] => self.scope().relations.iter().find(|r| {
                r.answers_to(&table.value, table.quote_style.is_some())
                    && r.schema.as_deref().is_some_and(|s| names_match(s, &schema.value, schema.quote_style.is_some()))
            }),
            [] => None,
        };
        found.cloned().ok_or_else(|| {
            AdqlError::new(ErrorKind::UnknownTable, name.span(), format!("'{name}' is not a table in the FROM clause"))
        })
    }

    fn table_with_joins(
        &mut self,
        table: &TableWithJoins,
        from_index: usize,
        slots: &mut Vec<FactorSlot>,
    ) -> Result<TableWithJoins> {
        let relation = self.table_factor(&table.relation, slots, FactorSlot { from_index, join_index: None })?;
        let mut joins = Vec::new();
        for (join_index, join) in table.joins.iter().enumerate() {
            let relations_before = self.scope().relations.len();
            let slot = FactorSlot { from_index, join_index: Some(join_index) };
            let right = self.table_factor(&join.relation, slots, slot)?;
            let join_operator = self.join_operator(&join.join_operator, relations_before)?;
            joins.push(sqlparser::ast::Join { relation: right, global: false, join_operator });
        }
        Ok(TableWithJoins { relation, joins })
    }

    fn join_operator(&mut self, operator: &JoinOperator, relations_before: usize) -> Result<JoinOperator> {
        let map_constraint = |this: &mut Self, constraint: &JoinConstraint| -> Result<JoinConstraint> {
            match constraint {
                JoinConstraint::On(condition) => {
                    let typed = this.expr(condition)?;
                    Ok(JoinConstraint::On(typed.expr))
                }
                JoinConstraint::Using(columns) => {
                    let mut out = Vec::new();
                    for column in columns {
                        let ident = column
                            .0
                            .first()
                            .and_then(ObjectNamePart::as_ident)
                            .cloned()
                            .unwrap_or_else(|| Ident::new(""));
                        let right = this.scope().relations.last().cloned().expect("joined relation");
                        let Some(found) = right.column(&ident.value, ident.quote_style.is_some()) else {
                            return Err(AdqlError::new(
                                ErrorKind::UnknownColumn,
                                ident.span,
                                format!("column '{}' in USING is not in table {}", ident.value, right.name),
                            ));
                        };
                        let left_has = this.scope().relations[..relations_before]
                            .iter()
                            .any(|r| r.column(&ident.value, ident.quote_style.is_some()).is_some());
                        if !left_has {
                            return Err(AdqlError::new(
                                ErrorKind::UnknownColumn,
                                ident.span,
                                format!("column '{}' in USING is not on the left side of the join", ident.value),
                            ));
                        }
                        let name = found.name.clone();
                        this.scope_mut().merged_columns.push(name.to_ascii_lowercase());
                        out.push(ObjectName(vec![ObjectNamePart::Identifier(quoted(&name))]));
                    }
                    Ok(JoinConstraint::Using(out))
                }
                JoinConstraint::Natural => {
                    let right = this.scope().relations.last().cloned().expect("joined relation");
                    let left: Vec<Relation> = this.scope().relations[..relations_before].to_vec();
                    for column in &right.columns {
                        if left.iter().any(|r| r.column(&column.name, false).is_some()) {
                            this.scope_mut().merged_columns.push(column.name.to_ascii_lowercase());
                        }
                    }
                    Ok(JoinConstraint::Natural)
                }
                JoinConstraint::None => Ok(JoinConstraint::None),
            }
        };
        Ok(match operator {
            JoinOperator::Join(c) => JoinOperator::Join(map_constraint(self, c)?),
            JoinOperator::Inner(c) => JoinOperator::Inner(map_constraint(self, c)?),
            JoinOperator::Left(c) => JoinOperator::Left(map_constraint(self, c)?),
            JoinOperator::LeftOuter(c) => JoinOperator::LeftOuter(map_constraint(self, c)?),
            JoinOperator::Right(c) => JoinOperator::Right(map_constraint(self, c)?),
            JoinOperator::RightOuter(c) => JoinOperator::RightOuter(map_constraint(self, c)?),
            JoinOperator::FullOuter(c) => JoinOperator::FullOuter(map_constraint(self, c)?),
            other => other.clone(),
        })
    }

    fn table_factor(
        &mut self,
        factor: &TableFactor,
        slots: &mut Vec<FactorSlot>,
        slot: FactorSlot,
    ) -> Result<TableFactor> {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let alias_ident = alias.as_ref().map(|a| a.name.clone());
                let (relation, emitted_name) = self.resolve_table(name, alias_ident.as_ref())?;
                let emitted_alias =
                    TableAlias { explicit: true, name: relation.qualifier[0].clone(), columns: vec![], at: None };
                self.add_relation(relation, slot, slots)?;
                Ok(TableFactor::Table {
                    name: emitted_name,
                    alias: Some(emitted_alias),
                    args: None,
                    with_hints: vec![],
                    version: None,
                    with_ordinality: false,
                    partitions: vec![],
                    json_path: None,
                    sample: None,
                    index_hints: vec![],
                })
            }
            TableFactor::Derived { subquery, alias: Some(alias), .. } => {
                // A derived table sees the enclosing scopes but not its siblings (no LATERAL).
                let saved = std::mem::take(&mut self.scopes);
                let result = self.query(subquery);
                self.scopes = saved;
                let (query, columns) = result?;
                let relation = Relation {
                    name: alias.name.value.clone(),
                    delimited: alias.name.quote_style.is_some(),
                    schema: None,
                    qualifier: vec![quoted(&alias.name.value)],
                    columns: columns.iter().map(as_rel_column).collect(),
                    table: None,
                };
                self.add_relation(relation, slot, slots)?;
                Ok(TableFactor::Derived {
                    lateral: false,
                    subquery: Box::new(query),
                    alias: Some(TableAlias {
                        explicit: true,
                        name: quoted(&alias.name.value),
                        columns: vec![],
                        at: None,
                    }),
                    sample: None,
                })
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                // Relations inside parentheses cannot be wrapped by rewrites: give them no slot.
                let mut inner_slots = Vec::new();
                let emitted = self.table_with_joins(table_with_joins, usize::MAX, &mut inner_slots)?;
                let added = inner_slots.len();
                slots.extend(std::iter::repeat_n(FactorSlot { from_index: usize::MAX, join_index: None }, added));
                Ok(TableFactor::NestedJoin { table_with_joins: Box::new(emitted), alias: alias.clone() })
            }
            other => Err(AdqlError::syntax(other.span(), "only tables, joins and named subqueries can appear in FROM")),
        }
    }

    fn add_relation(&mut self, relation: Relation, slot: FactorSlot, slots: &mut Vec<FactorSlot>) -> Result<()> {
        if let Some(existing) = self
            .scope()
            .relations
            .iter()
            .find(|r| r.qualifier[0].value.eq_ignore_ascii_case(&relation.qualifier[0].value))
        {
            return Err(AdqlError::new(
                ErrorKind::Planning,
                Position::UNKNOWN,
                format!("the name '{}' is used for two tables in the same FROM clause", existing.name),
            )
            .with_help("give each table its own alias: FROM t AS a, t AS b"));
        }
        self.scope_mut().relations.push(relation);
        slots.push(slot);
        Ok(())
    }

    /// A catalogue table or a CTE; returns the relation and the emitted table name.
    fn resolve_table(&mut self, name: &ObjectName, alias: Option<&Ident>) -> Result<(Relation, ObjectName)> {
        let parts: Vec<&Ident> = name.0.iter().filter_map(ObjectNamePart::as_ident).collect();
        let (schema, table) = match parts.as_slice() {
            [table] => (None, *table),
            [.., schema, table] => (Some(*schema), *table),
            [] => return Err(AdqlError::syntax(name.span(), "empty table name")),
        };
        let (relation_name, delimited) = match alias {
            Some(a) => (a.value.clone(), a.quote_style.is_some()),
            None => (table.value.clone(), table.quote_style.is_some()),
        };
        if schema.is_none()
            && let Some(cte) = self
                .ctes
                .iter()
                .rev()
                .flat_map(|frame| frame.iter())
                .find(|c| c.answers_to(&table.value, table.quote_style.is_some()))
        {
            let mut relation = cte.clone();
            let emitted = ObjectName(vec![ObjectNamePart::Identifier(cte.qualifier[0].clone())]);
            relation.name = relation_name.clone();
            relation.delimited = delimited;
            relation.qualifier = vec![quoted(&relation_name)];
            return Ok((relation, emitted));
        }
        let info = self
            .catalog
            .table(schema.map(|s| s.value.as_str()), &table.value)
            .filter(|info| {
                (table.quote_style.is_none() || info.name == table.value)
                    && schema.is_none_or(|s| s.quote_style.is_none() || info.schema == s.value)
            })
            .ok_or_else(|| self.unknown_table(name))?;
        let emitted = ObjectName(vec![
            ObjectNamePart::Identifier(quoted(&info.schema)),
            ObjectNamePart::Identifier(quoted(&info.name)),
        ]);
        let relation = relation_for_table(&info, relation_name, delimited, alias.is_none());
        Ok((relation, emitted))
    }

    fn unknown_table(&self, name: &ObjectName) -> AdqlError {
        let written = name.to_string().replace('"', "");
        let tables = self.catalog.tables();
        let candidates: Vec<String> = tables.iter().map(TableInfo::qualified_name).collect();
        let mut error = AdqlError::new(ErrorKind::UnknownTable, name.span(), format!("unknown table '{written}'"));
        let by_name = tables
            .iter()
            .find(|t| written.rsplit('.').next().is_some_and(|last| last.eq_ignore_ascii_case(&t.name)))
            .map(TableInfo::qualified_name);
        if let Some(s) =
            by_name.or_else(|| naming::closest(&written, candidates.iter().map(String::as_str)).map(str::to_string))
        {
            error = error.with_help(format!("did you mean {s}?"));
        }
        error
    }

    /// An unqualified column name in the innermost scope that has it: (scope index, relation index).
    fn lookup_unqualified(&self, ident: &Ident) -> Option<(usize, usize)> {
        let delimited = ident.quote_style.is_some();
        for (scope_index, scope) in self.scopes.iter().enumerate().rev() {
            if let Some(relation_index) =
                scope.relations.iter().position(|r| r.column(&ident.value, delimited).is_some())
            {
                return Some((scope_index, relation_index));
            }
        }
        None
    }

    fn next_internal_name(&mut self, stem: &str) -> String {
        self.generated += 1;
        format!("__{stem}_{}", self.generated)
    }
}

fn relation_for_table(info: &TableInfo, name: String, delimited: bool, unaliased: bool) -> Relation {
    Relation {
        qualifier: vec![quoted(&name)],
        name,
        delimited,
        schema: unaliased.then(|| info.schema.clone()),
        columns: info
            .columns
            .iter()
            .map(|c| RelColumn {
                name: c.name.clone(),
                value_type: ValueType::of_column(&c.data_type, c.xtype.as_deref()),
                meta: ColumnMeta {
                    unit: c.unit.clone(),
                    ucd: c.ucd.clone(),
                    description: c.description.clone(),
                    xtype: c.xtype.clone(),
                },
            })
            .collect(),
        table: Some(info.clone()),
    }
}

fn join_constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c) => Some(c),
        _ => None,
    }
}

fn as_rel_column(column: &OutputColumn) -> RelColumn {
    RelColumn { name: column.name.clone(), value_type: column.value_type, meta: column.meta.clone() }
}

fn top_count(top: &sqlparser::ast::Top) -> Option<u64> {
    match &top.quantity {
        Some(TopQuantity::Constant(n)) => Some(*n),
        Some(TopQuantity::Expr(Expr::Value(v))) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}
