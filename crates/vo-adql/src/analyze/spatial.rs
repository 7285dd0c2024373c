//! HEALPix acceleration of positional constraints, as rewrites of the generated SQL.
//!
//! * **Cone, box and polygon searches** — `1 = CONTAINS(POINT(t.ra, t.dec), <constant shape>)`, its
//!   mirror `CONTAINS(...) = 1`, INTERSECTS with a point, and `DISTANCE(POINT(t.ra, t.dec), <constant
//!   point>) < r` on a table with a [`PositionIndex`](crate::PositionIndex) gain a conjunct
//!   `t._healpix BETWEEN a AND b OR ...` from [`region_ranges`](crate::region_ranges) (the coverage
//!   of [`vo_geom::coverage_ranges`], at most [`MAX_PREFILTER_RANGES`](crate::MAX_PREFILTER_RANGES)
//!   ranges). DataFusion pushes it into the Parquet scan, where it prunes row groups and pages of the
//!   HEALPix-sorted files; the exact test stays.
//! * **Cross-matches** — the same predicates between positions of two tables, with a constant radius,
//!   in a WHERE (comma join) or in the ON of an inner or left join, become an equi-join on a HEALPix
//!   cell: one side is expanded to the cells its search cone touches (`unnest(adql_xmatch_cells(...))`),
//!   the other is keyed by its own cell, so DataFusion runs a hash join instead of a nested loop. The
//!   exact test stays in the condition. A side with a stored index (a catalogue table) is the keyed
//!   one when the join allows it, keyed by its stored `_healpix` shifted to the bucket order instead
//!   of a cell computed from RA/Dec for every row, and the expanded side (typically an upload) is put
//!   first so that DataFusion builds the hash table from it and pushes its cells into the catalogue
//!   scan as a dynamic filter.
//!
//! There is no static `_healpix` range pre-filter on the catalogue side of a cross-match: its
//! ranges would have to come from the other side's rows, which the translator does not see (it
//! works on the query, before any data is read), so they would cost a second pass over the
//! upload. The hash join's dynamic filter is that pre-filter, built from the same pass.

use sqlparser::ast::{
    BinaryOperator, Expr, Ident, JoinConstraint, JoinOperator, LimitClause, ObjectName, ObjectNamePart, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableAlias, TableFactor, Value, WildcardAdditionalOptions,
};
use vo_geom::{Circle, Point, Shape};

use super::expr::{call, number};
use super::geometry::{as_call, const_number, const_shape, strip_nested};
use super::scope::quoted;
use super::{Analyzer, FactorSlot};
use crate::error::Result;
use crate::udf::names as udf;

/// A position given by two column references of one relation of the current SELECT.
#[derive(Debug, Clone)]
struct Position {
    relation: usize,
    ra: String,
    dec: String,
}

enum Constraint {
    /// Positions of one relation inside a constant shape.
    Region { position: Position, shape: Shape },
    /// Positions of two relations within `radius` degrees.
    CrossMatch { first: Position, second: Position, radius: f64 },
}

fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    match strip_nested(expr) {
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            let mut all = conjuncts(left);
            all.extend(conjuncts(right));
            all
        }
        other => vec![other],
    }
}

fn is_one(expr: &Expr) -> bool {
    const_number(expr) == Some(1.0)
}

impl Analyzer<'_> {
    /// A column reference of the current SELECT: (relation index, exact column name).
    fn local_column(&self, expr: &Expr) -> Option<(usize, String)> {
        let parts: Vec<Ident> = match strip_nested(expr) {
            Expr::Identifier(i) => vec![i.clone()],
            Expr::CompoundIdentifier(parts) => parts.clone(),
            _ => return None,
        };
        let (column, qualifier) = parts.split_last()?;
        let delimited = column.quote_style.is_some();
        let scope = self.scopes.last()?;
        let candidates: Vec<usize> = scope
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| match qualifier.last() {
                Some(q) => r.answers_to(&q.value, q.quote_style.is_some()),
                None => true,
            })
            .filter(|(_, r)| r.column(&column.value, delimited).is_some())
            .map(|(i, _)| i)
            .collect();
        match candidates.as_slice() {
            [index] => {
                let name = scope.relations[*index].column(&column.value, delimited)?.name.clone();
                Some((*index, name))
            }
            _ => None,
        }
    }

    /// `POINT(a.ra, a.dec)` or the pair (a.ra, a.dec) as a position of one relation.
    fn position_of(&self, ra: &Expr, dec: &Expr) -> Option<Position> {
        let (r1, ra) = self.local_column(ra)?;
        let (r2, dec) = self.local_column(dec)?;
        (r1 == r2).then_some(Position { relation: r1, ra, dec })
    }

    fn point_position(&self, point: &Expr) -> Option<Position> {
        let (name, args) = as_call(point)?;
        if name != "POINT" {
            return None;
        }
        let args: Vec<&Expr> = args
            .into_iter()
            .filter(|a| !matches!(strip_nested(a), Expr::Value(v) if matches!(v.value, Value::SingleQuotedString(_))))
            .collect();
        match args.as_slice() {
            [ra, dec] => self.position_of(ra, dec),
            _ => None,
        }
    }

    fn recognise(&self, conjunct: &Expr) -> Result<Option<Constraint>> {
        let Expr::BinaryOp { left, op, right } = strip_nested(conjunct) else { return Ok(None) };
        // 1 = CONTAINS(...) / CONTAINS(...) = 1
        if *op == BinaryOperator::Eq {
            let predicate = if is_one(left) {
                right
            } else if is_one(right) {
                left
            } else {
                return Ok(None);
            };
            let Some((name, args)) = as_call(predicate) else { return Ok(None) };
            if !(name == "CONTAINS" || name == "INTERSECTS") || args.len() != 2 {
                return Ok(None);
            }
            let (point, region) = match (self.point_position(args[0]), self.point_position(args[1])) {
                (Some(p), _) => (p, args[1]),
                (None, Some(p)) if name == "INTERSECTS" => (p, args[0]),
                _ => return Ok(None),
            };
            if let Some(shape) = const_shape(region)? {
                return Ok(Some(Constraint::Region { position: point, shape }));
            }
            // CIRCLE(POINT(b.ra, b.dec), r) or CIRCLE(b.ra, b.dec, r) with a constant r.
            if let Some((circle, circle_args)) = as_call(region)
                && circle == "CIRCLE"
            {
                let (center, radius) = match circle_args.as_slice() {
                    [center, radius] => (self.point_position(center), radius),
                    [ra, dec, radius] => (self.position_of(ra, dec), radius),
                    [_, ra, dec, radius] => (self.position_of(ra, dec), radius),
                    _ => return Ok(None),
                };
                if let (Some(center), Some(radius)) = (center, const_number(radius))
                    && center.relation != point.relation
                    && (0.0..=180.0).contains(&radius)
                {
                    return Ok(Some(Constraint::CrossMatch { first: point, second: center, radius }));
                }
            }
            return Ok(None);
        }
        // DISTANCE(...) < r, <= r, r > DISTANCE(...), r >= DISTANCE(...)
        let (distance, limit) = match op {
            BinaryOperator::Lt | BinaryOperator::LtEq => (left, right),
            BinaryOperator::Gt | BinaryOperator::GtEq => (right, left),
            _ => return Ok(None),
        };
        let Some(radius) = const_number(limit) else { return Ok(None) };
        if !(0.0..=180.0).contains(&radius) {
            return Ok(None);
        }
        let Some((name, args)) = as_call(distance) else { return Ok(None) };
        if name != "DISTANCE" {
            return Ok(None);
        }
        let (a, b): (Option<Position>, Option<Position>) = match args.as_slice() {
            [p, q] => (self.point_position(p), self.point_position(q)),
            [ra1, dec1, ra2, dec2] => (self.position_of(ra1, dec1), self.position_of(ra2, dec2)),
            _ => return Ok(None),
        };
        let constant_point = |raw: &[&Expr]| -> Option<Point> {
            match raw {
                [p] => match const_shape(p).ok()?? {
                    Shape::Point(p) => Some(p),
                    _ => None,
                },
                [ra, dec] => Point::new(const_number(ra)?, const_number(dec)?).ok(),
                _ => None,
            }
        };
        let (first_raw, second_raw): (&[&Expr], &[&Expr]) =
            if args.len() == 2 { (&args[0..1], &args[1..2]) } else { (&args[0..2], &args[2..4]) };
        let constraint = match (a, b) {
            (Some(a), Some(b)) if a.relation != b.relation => Constraint::CrossMatch { first: a, second: b, radius },
            (Some(position), None) | (None, Some(position)) => {
                let other = if args.len() == 2 && self.point_position(args[0]).is_some()
                    || args.len() == 4 && self.position_of(args[0], args[1]).is_some()
                {
                    second_raw
                } else {
                    first_raw
                };
                let Some(center) = constant_point(other) else { return Ok(None) };
                let Ok(circle) = Circle::new(center, radius) else { return Ok(None) };
                Constraint::Region { position, shape: Shape::Circle(circle) }
            }
            _ => return Ok(None),
        };
        Ok(Some(constraint))
    }

    /// The stored HEALPix index of the position's relation, when it indexes exactly these columns:
    /// the index column (qualified, as emitted) and its order.
    fn stored_index(&self, position: &Position) -> Option<(Expr, u8)> {
        let relation = &self.scopes.last()?.relations[position.relation];
        let index = relation.position()?;
        if index.ra_column != position.ra || index.dec_column != position.dec {
            return None;
        }
        let mut column = relation.qualifier.clone();
        column.push(quoted(&index.healpix_column));
        Some((Expr::CompoundIdentifier(column), index.healpix_order))
    }

    /// `t._healpix` ranges for a region constraint on an indexed table, if applicable.
    fn healpix_filter(&self, position: &Position, shape: &Shape) -> Option<Expr> {
        let (column, order) = self.stored_index(position)?;
        Some(crate::prefilter::ranges_sql(&column, &crate::prefilter::region_ranges(shape, order)))
    }

    /// Chooses which side of a cross-match is keyed by its own cell and which is expanded to the
    /// cells its search cone touches: `(keyed, expanded)` as given, unless only `expanded` has a
    /// stored index and `keyed` may be expanded instead. The indexed side (a catalogue) is then
    /// keyed by its stored index, read rather than computed for each of its rows, and the other
    /// side (typically an upload, small) pays for the cone coverage.
    fn key_the_indexed_side(
        &self,
        keyed: Position,
        expanded: Position,
        may_expand: impl Fn(&Position) -> bool,
    ) -> (Position, Position) {
        if self.stored_index(&keyed).is_none() && self.stored_index(&expanded).is_some() && may_expand(&keyed) {
            (expanded, keyed)
        } else {
            (keyed, expanded)
        }
    }
}

/// Whether the relation at `slot` can be wrapped by a rewrite (relations inside parentheses cannot).
fn wrappable(slot: FactorSlot) -> bool {
    slot.from_index != usize::MAX
}

/// Adds HEALPix pre-filters and the cross-match rewrite for the WHERE clause of `out`.
pub(super) fn apply_where(
    analyzer: &mut Analyzer<'_>,
    selection: &Expr,
    out: &mut Select,
    slots: &mut [FactorSlot],
) -> Result<()> {
    let mut extra = Vec::new();
    let mut crossmatched = false;
    for conjunct in conjuncts(selection) {
        match analyzer.recognise(conjunct)? {
            Some(Constraint::Region { position, shape }) => {
                if let Some(filter) = analyzer.healpix_filter(&position, &shape) {
                    extra.push(filter);
                }
            }
            Some(Constraint::CrossMatch { first, second, radius }) if !crossmatched => {
                // Only when every join involved is an inner join, so that expanding rows is invisible.
                let all_inner = out.from.iter().all(|t| {
                    t.joins.iter().all(|j| matches!(j.join_operator, JoinOperator::Join(_) | JoinOperator::Inner(_)))
                });
                if !all_inner {
                    continue;
                }
                let may_expand = |p: &Position| slots.get(p.relation).is_some_and(|s| wrappable(*s));
                let (keyed, expanded) = analyzer.key_the_indexed_side(first, second, may_expand);
                if !may_expand(&expanded) {
                    continue;
                }
                let equality = crossmatch_rewrite(analyzer, out, slots[expanded.relation], &keyed, &expanded, radius);
                extra.push(equality);
                crossmatched = true;
                let (keyed_slot, expanded_slot) = (slots[keyed.relation], slots[expanded.relation]);
                expanded_first_in_join(out, slots, keyed_slot, expanded_slot);
                expanded_first_in_from(out, slots, keyed_slot, expanded_slot);
            }
            _ => {}
        }
    }
    if let Some(selection) = out.selection.take() {
        let combined = extra.into_iter().fold(selection, |acc, e| Expr::BinaryOp {
            left: Box::new(acc),
            op: BinaryOperator::And,
            right: Box::new(Expr::Nested(Box::new(e))),
        });
        out.selection = Some(combined);
    }
    Ok(())
}

/// Cross-match in the ON condition of the join at `join_index` of `from[from_index]`.
pub(super) fn apply_on(
    analyzer: &mut Analyzer<'_>,
    raw_condition: &Expr,
    out: &mut Select,
    from_index: usize,
    join_index: usize,
    slots: &mut [FactorSlot],
) -> Result<()> {
    let operator = &out.from[from_index].joins[join_index].join_operator;
    let inner = matches!(operator, JoinOperator::Join(_) | JoinOperator::Inner(_));
    if !inner && !matches!(operator, JoinOperator::Left(_) | JoinOperator::LeftOuter(_)) {
        return Ok(());
    }
    let right_relation = slots.iter().position(|s| s.from_index == from_index && s.join_index == Some(join_index));
    let Some(right_relation) = right_relation else { return Ok(()) };
    for conjunct in conjuncts(raw_condition) {
        if let Some(Constraint::CrossMatch { first, second, radius }) = analyzer.recognise(conjunct)? {
            // Expand the join's right side by default: for a LEFT join it must be the side whose
            // rows may be dropped, as expanding the preserved side would repeat its unmatched rows.
            let (keyed, expanded) = if second.relation == right_relation {
                (first, second)
            } else if first.relation == right_relation {
                (second, first)
            } else {
                continue;
            };
            // An inner join may expand either side.
            let may_expand = |p: &Position| inner && wrappable(slots[p.relation]);
            let (keyed, expanded) = analyzer.key_the_indexed_side(keyed, expanded, may_expand);
            let equality = crossmatch_rewrite(analyzer, out, slots[expanded.relation], &keyed, &expanded, radius);
            let join = &mut out.from[from_index].joins[join_index];
            let constraint = match &mut join.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => {
                    c
                }
                _ => return Ok(()),
            };
            if let JoinConstraint::On(condition) = constraint {
                let previous = std::mem::replace(condition, Expr::value(Value::Null));
                *condition =
                    Expr::BinaryOp { left: Box::new(equality), op: BinaryOperator::And, right: Box::new(previous) };
            }
            if inner {
                let (keyed_slot, expanded_slot) = (slots[keyed.relation], slots[expanded.relation]);
                expanded_first_in_join(out, slots, keyed_slot, expanded_slot);
            }
            return Ok(());
        }
    }
    Ok(())
}

/// HEALPix order for cross-matching within `radius` degrees: cells about four radii across, so a
/// search cone touches one to four of them.
pub fn crossmatch_order(radius: f64) -> u8 {
    if radius <= 0.0 {
        return 20;
    }
    (58.6 / (4.0 * radius)).log2().floor().clamp(0.0, 20.0) as u8
}

/// Wraps the relation at `slot` so each row carries the cells its search cone touches, and returns
/// the equality joining them with the other side's cell.
fn crossmatch_rewrite(
    analyzer: &mut Analyzer<'_>,
    out: &mut Select,
    slot: FactorSlot,
    keyed: &Position,
    expanded: &Position,
    radius: f64,
) -> Expr {
    let stored = analyzer.stored_index(keyed);
    // Buckets no finer than the stored index, so that a keyed row's bucket is its index shifted.
    let order = match &stored {
        Some((_, index_order)) => crossmatch_order(radius).min(*index_order),
        None => crossmatch_order(radius),
    };
    let cell_name = analyzer.next_internal_name("xmatch_cell");
    let scope = analyzer.scopes.last().expect("inside a SELECT");
    let keyed_relation = &scope.relations[keyed.relation];
    let expanded_relation = &scope.relations[expanded.relation];
    let column = |qualifier: &[Ident], name: &str| {
        let mut parts = qualifier.to_vec();
        parts.push(quoted(name));
        Expr::CompoundIdentifier(parts)
    };
    let qualifier = expanded_relation.qualifier.clone();
    let cells = call(
        udf::XMATCH_CELLS,
        vec![
            column(&qualifier, &expanded.ra),
            column(&qualifier, &expanded.dec),
            number(radius),
            Expr::value(Value::Number(order.to_string(), false)),
        ],
    );
    let key = match stored {
        // In the nested scheme the parent of a cell is its index shifted right by two bits per
        // order: exactly the cell adql_healpix would compute, without the trigonometry per row.
        // A bare column when the orders agree, so that the join's dynamic filter (the build
        // side's bounds and cells) applies to the sorted column and prunes row groups.
        Some((index_column, index_order)) => match 2 * u32::from(index_order - order) {
            0 => index_column,
            shift => Expr::BinaryOp {
                left: Box::new(index_column),
                op: BinaryOperator::PGBitwiseShiftRight,
                right: Box::new(Expr::value(Value::Number(shift.to_string(), false))),
            },
        },
        None => call(
            udf::HEALPIX,
            vec![
                column(&keyed_relation.qualifier, &keyed.ra),
                column(&keyed_relation.qualifier, &keyed.dec),
                Expr::value(Value::Number(order.to_string(), false)),
            ],
        ),
    };
    let table = out.from.get_mut(slot.from_index).expect("slot in range");
    let factor = match slot.join_index {
        None => &mut table.relation,
        Some(j) => &mut table.joins[j].relation,
    };
    let original = std::mem::replace(
        factor,
        TableFactor::NestedJoin {
            table_with_joins: Box::new(sqlparser::ast::TableWithJoins { relation: placeholder(), joins: vec![] }),
            alias: None,
        },
    );
    let inner = Select {
        projection: vec![
            SelectItem::QualifiedWildcard(
                SelectItemQualifiedWildcardKind::ObjectName(ObjectName(
                    qualifier.iter().cloned().map(ObjectNamePart::Identifier).collect(),
                )),
                WildcardAdditionalOptions::default(),
            ),
            SelectItem::ExprWithAlias { expr: call("unnest", vec![cells]), alias: quoted(&cell_name) },
        ],
        from: vec![sqlparser::ast::TableWithJoins { relation: original, joins: vec![] }],
        selection: None,
        ..empty_select()
    };
    *factor = TableFactor::Derived {
        lateral: false,
        subquery: Box::new(Query {
            with: None,
            body: Box::new(SetExpr::Select(Box::new(inner))),
            order_by: None,
            limit_clause: None::<LimitClause>,
            fetch: None,
            locks: vec![],
            for_clause: None,
            settings: None,
            format_clause: None,
            pipe_operators: vec![],
        }),
        alias: Some(TableAlias { explicit: true, name: qualifier[0].clone(), columns: vec![], at: None }),
        sample: None,
    };
    Expr::BinaryOp { left: Box::new(key), op: BinaryOperator::Eq, right: Box::new(column(&qualifier, &cell_name)) }
}

/// Puts the expanded side of an inner cross-match join `keyed JOIN expanded ON ...` first, when
/// they are the two operands of the first join of a FROM item. DataFusion builds a hash join's
/// table from its left side unless statistics say the right one is smaller, and the expanded side
/// (an unnest) has none, while a catalogue scan has exact ones: left as written, the whole
/// catalogue would be hashed. Built from the small side instead, the join also pushes the cells
/// of that side into the catalogue scan as a dynamic filter, which skips the row groups and rows
/// no search cone touches. Swapping is invisible: every column reference is qualified and `*`
/// was expanded by relation.
fn expanded_first_in_join(out: &mut Select, slots: &mut [FactorSlot], keyed: FactorSlot, expanded: FactorSlot) {
    if keyed.from_index != expanded.from_index || keyed.join_index.is_some() || expanded.join_index != Some(0) {
        return;
    }
    let table = &mut out.from[keyed.from_index];
    std::mem::swap(&mut table.relation, &mut table.joins[0].relation);
    for slot in slots.iter_mut().filter(|s| s.from_index == keyed.from_index) {
        slot.join_index = match slot.join_index {
            None => Some(0),
            Some(0) => None,
            other => other,
        };
    }
}

/// The same for a cross-match between FROM items (`FROM keyed, expanded WHERE ...`, all joins
/// inner): the item holding the expanded side goes first.
fn expanded_first_in_from(out: &mut Select, slots: &mut [FactorSlot], keyed: FactorSlot, expanded: FactorSlot) {
    let (a, b) = (keyed.from_index, expanded.from_index);
    if b <= a {
        return;
    }
    out.from.swap(a, b);
    for slot in slots.iter_mut() {
        if slot.from_index == a {
            slot.from_index = b;
        } else if slot.from_index == b {
            slot.from_index = a;
        }
    }
}

fn placeholder() -> TableFactor {
    TableFactor::Table {
        name: ObjectName(vec![]),
        alias: None,
        args: None,
        with_hints: vec![],
        version: None,
        with_ordinality: false,
        partitions: vec![],
        json_path: None,
        sample: None,
        index_hints: vec![],
    }
}

fn empty_select() -> Select {
    let parsed = sqlparser::parser::Parser::new(&crate::dialect::AdqlDialect)
        .try_with_sql("SELECT 1")
        .and_then(|mut p| p.parse_query())
        .expect("constant query parses");
    match *parsed.body {
        SetExpr::Select(select) => *select,
        _ => unreachable!("SELECT 1 is a select"),
    }
}
