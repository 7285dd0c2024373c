//! ADQL geometry functions → geometry UDF calls, with argument checks and, for constant shapes,
//! validation at planning time (so `CIRCLE(10, 20, -1)` fails with a position, not at run time).

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned, UnaryOperator, Value};
use vo_geom::{Circle, CoordSys, Point, Polygon, Shape, SkyBox};

use super::Analyzer;
use super::expr::{Typed, call, type_error};
use super::types::ValueType;
use crate::error::{AdqlError, ErrorKind, Result};
use crate::udf::names as udf;

/// The name and arguments of an ADQL function call, if `expr` is one.
pub fn as_call(expr: &Expr) -> Option<(String, Vec<&Expr>)> {
    let Expr::Function(function) = strip_nested(expr) else { return None };
    let FunctionArguments::List(list) = &function.args else { return None };
    let args = list
        .args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some((function.name.to_string().to_ascii_uppercase(), args))
}

pub fn strip_nested(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => strip_nested(inner),
        other => other,
    }
}

/// Drops a leading coordinate-system string literal, checking it.
fn strip_coordsys<'a>(args: &[&'a Expr]) -> Result<Vec<&'a Expr>> {
    if let Some(first) = args.first()
        && let Expr::Value(v) = strip_nested(first)
        && let Value::SingleQuotedString(text) = &v.value
    {
        let system = CoordSys::parse(text).map_err(|e| AdqlError::new(ErrorKind::Geometry, v.span, e.to_string()))?;
        if !system.is_icrs_compatible() {
            return Err(AdqlError::new(
                ErrorKind::Geometry,
                v.span,
                format!("coordinate system '{text}' is not supported: this service does not convert between frames"),
            )
            .with_help("use ICRS coordinates and leave out the coordinate system argument (it is deprecated)"));
        }
        return Ok(args[1..].to_vec());
    }
    Ok(args.to_vec())
}

/// The value of a constant numeric expression (literals, unary minus, + - * /, PI()).
#[recursive::recursive]
pub fn const_number(expr: &Expr) -> Option<f64> {
    match strip_nested(expr) {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => const_number(expr).map(|x| -x),
        Expr::UnaryOp { op: UnaryOperator::Plus, expr } => const_number(expr),
        Expr::BinaryOp { left, op, right } => {
            let (l, r) = (const_number(left)?, const_number(right)?);
            use sqlparser::ast::BinaryOperator::*;
            let value = match op {
                Plus => l + r,
                Minus => l - r,
                Multiply => l * r,
                Divide if r != 0.0 => l / r,
                _ => return None,
            };
            value.is_finite().then_some(value)
        }
        Expr::Function(_) => match as_call(expr)? {
            (name, args) if name == "PI" && args.is_empty() => Some(std::f64::consts::PI),
            _ => None,
        },
        _ => None,
    }
}

fn geometry_error(expr: &Expr, error: vo_geom::GeomError) -> AdqlError {
    AdqlError::new(ErrorKind::Geometry, expr.span(), error.to_string())
}

/// The shape an ADQL geometry expression denotes when all its arguments are constants.
/// `Ok(None)`: not constant; `Err`: constant but invalid.
pub fn const_shape(expr: &Expr) -> Result<Option<Shape>> {
    let Some((name, args)) = as_call(expr) else { return Ok(None) };
    let args = strip_coordsys(&args)?;
    let numbers: Vec<Option<f64>> = args.iter().map(|a| const_number(a)).collect();
    let point_of = |e: &Expr| -> Result<Option<Point>> {
        match const_shape(e)? {
            Some(Shape::Point(p)) => Ok(Some(p)),
            _ => Ok(None),
        }
    };
    let all = |values: &[Option<f64>]| values.iter().copied().collect::<Option<Vec<f64>>>();
    let shape = match (name.as_str(), args.len()) {
        ("POINT", 2) => match all(&numbers) {
            Some(v) => Some(Shape::Point(Point::new(v[0], v[1]).map_err(|e| geometry_error(expr, e))?)),
            None => None,
        },
        ("CIRCLE", 3) => match all(&numbers) {
            Some(v) => {
                let center = Point::new(v[0], v[1]).map_err(|e| geometry_error(expr, e))?;
                Some(Shape::Circle(Circle::new(center, v[2]).map_err(|e| geometry_error(args[2], e))?))
            }
            None => None,
        },
        ("CIRCLE", 2) => match (point_of(args[0])?, numbers[1]) {
            (Some(center), Some(r)) => {
                Some(Shape::Circle(Circle::new(center, r).map_err(|e| geometry_error(args[1], e))?))
            }
            _ => None,
        },
        ("BOX", 4) => match all(&numbers) {
            Some(v) => {
                let center = Point::new(v[0], v[1]).map_err(|e| geometry_error(expr, e))?;
                Some(Shape::Box(SkyBox::new(center, v[2], v[3]).map_err(|e| geometry_error(expr, e))?))
            }
            None => None,
        },
        ("BOX", 3) => match (point_of(args[0])?, numbers[1], numbers[2]) {
            (Some(center), Some(w), Some(h)) => {
                Some(Shape::Box(SkyBox::new(center, w, h).map_err(|e| geometry_error(expr, e))?))
            }
            _ => None,
        },
        ("POLYGON", _) => {
            let vertices: Option<Vec<(f64, f64)>> = if let Some(values) = all(&numbers) {
                (values.len() % 2 == 0).then(|| values.chunks(2).map(|c| (c[0], c[1])).collect())
            } else {
                let mut points = Vec::new();
                for a in &args {
                    match point_of(a)? {
                        Some(p) => points.push((p.ra(), p.dec())),
                        None => return Ok(None),
                    }
                }
                Some(points)
            };
            match vertices {
                Some(v) => Some(Shape::Polygon(Polygon::from_radec_deg(&v).map_err(|e| geometry_error(expr, e))?)),
                None => None,
            }
        }
        _ => None,
    };
    Ok(shape)
}

impl Analyzer<'_> {
    /// (ra, dec) expressions of a point argument: inlined for a POINT(...) call, else extracted.
    fn point_coordinates(&mut self, raw: &Expr) -> Result<(Expr, Expr)> {
        if let Some((name, args)) = as_call(raw)
            && name == "POINT"
        {
            let args = strip_coordsys(&args)?;
            if args.len() != 2 {
                return Err(AdqlError::new(ErrorKind::Function, raw.span(), "POINT takes two coordinates"));
            }
            let ra = self.number_arg(args[0], "POINT")?;
            let dec = self.number_arg(args[1], "POINT")?;
            return Ok((ra, dec));
        }
        let typed = self.expr(raw)?;
        if !typed.value_type.is_point() {
            return Err(type_error(raw, "this function", "a POINT", typed.value_type));
        }
        Ok((call(udf::COORD1, vec![typed.expr.clone()]), call(udf::COORD2, vec![typed.expr])))
    }

    fn number_arg(&mut self, raw: &Expr, function: &str) -> Result<Expr> {
        let typed = self.expr(raw)?;
        if !typed.value_type.is_numeric() {
            return Err(type_error(raw, function, "a number", typed.value_type));
        }
        Ok(typed.expr)
    }

    fn geometry_arg(&mut self, raw: &Expr, function: &str) -> Result<Typed> {
        let typed = self.expr(raw)?;
        if !typed.value_type.is_geometry() {
            return Err(type_error(raw, function, "a geometry (POINT, CIRCLE, BOX or POLYGON)", typed.value_type));
        }
        Ok(typed)
    }

    fn is_point_expr(&mut self, raw: &Expr) -> bool {
        match as_call(raw) {
            Some((name, _)) => name == "POINT" || name == "CENTROID" || name == "IVO_HEALPIX_CENTER",
            None => false,
        }
    }

    pub(super) fn geometry_function(&mut self, whole: &Expr, name: &str, raw_args: &[&Expr]) -> Result<Typed> {
        // Constant shapes are validated here, where the error can point at the query text.
        if matches!(name, "POINT" | "CIRCLE" | "BOX" | "POLYGON") {
            const_shape(whole)?;
        }
        let lower = name.to_ascii_lowercase();
        let typed = match name {
            "POINT" => {
                let args = strip_coordsys(raw_args)?;
                if args.len() != 2 {
                    return Err(arity(whole, "POINT([coordsys,] ra, dec)"));
                }
                let (ra, dec) = (self.number_arg(args[0], name)?, self.number_arg(args[1], name)?);
                Typed::new(call(udf::POINT, vec![ra, dec]), ValueType::Point)
            }
            "CIRCLE" => {
                let args = strip_coordsys(raw_args)?;
                let (ra, dec, radius) = match args.len() {
                    3 => (self.number_arg(args[0], name)?, self.number_arg(args[1], name)?, args[2]),
                    2 => {
                        let (ra, dec) = self.point_coordinates(args[0])?;
                        (ra, dec, args[1])
                    }
                    _ => return Err(arity(whole, "CIRCLE([coordsys,] ra, dec, radius) or CIRCLE(point, radius)")),
                };
                let radius = self.number_arg(radius, name)?;
                Typed::new(call(udf::CIRCLE, vec![ra, dec, radius]), ValueType::Circle)
            }
            "BOX" => {
                let args = strip_coordsys(raw_args)?;
                let (ra, dec, rest) = match args.len() {
                    4 => (self.number_arg(args[0], name)?, self.number_arg(args[1], name)?, &args[2..]),
                    3 => {
                        let (ra, dec) = self.point_coordinates(args[0])?;
                        (ra, dec, &args[1..])
                    }
                    _ => {
                        return Err(arity(
                            whole,
                            "BOX([coordsys,] ra, dec, width, height) or BOX(point, width, height)",
                        ));
                    }
                };
                let (width, height) = (self.number_arg(rest[0], name)?, self.number_arg(rest[1], name)?);
                Typed::new(call(udf::BOX, vec![ra, dec, width, height]), ValueType::Polygon)
            }
            "POLYGON" => {
                let args = strip_coordsys(raw_args)?;
                let point_form =
                    args.first().is_some_and(|a| self.is_point_expr(a)) || (args.len() >= 3 && args.len() % 2 == 1);
                let mut coordinates = Vec::new();
                if point_form {
                    if args.len() < 3 {
                        return Err(arity(whole, "POLYGON(point, point, point, ...)"));
                    }
                    for a in &args {
                        let (ra, dec) = self.point_coordinates(a)?;
                        coordinates.push(ra);
                        coordinates.push(dec);
                    }
                } else {
                    if args.len() < 6 || args.len() % 2 != 0 {
                        return Err(arity(whole, "POLYGON([coordsys,] ra1, dec1, ra2, dec2, ra3, dec3, ...)"));
                    }
                    for a in &args {
                        coordinates.push(self.number_arg(a, name)?);
                    }
                }
                Typed::new(call(udf::POLYGON, coordinates), ValueType::Polygon)
            }
            "DISTANCE" => {
                let (ra1, dec1, ra2, dec2) = match raw_args.len() {
                    2 => {
                        let (a, b) = self.point_coordinates(raw_args[0])?;
                        let (c, d) = self.point_coordinates(raw_args[1])?;
                        (a, b, c, d)
                    }
                    4 => (
                        self.number_arg(raw_args[0], name)?,
                        self.number_arg(raw_args[1], name)?,
                        self.number_arg(raw_args[2], name)?,
                        self.number_arg(raw_args[3], name)?,
                    ),
                    _ => return Err(arity(whole, "DISTANCE(point, point) or DISTANCE(ra1, dec1, ra2, dec2)")),
                };
                Typed::new(call(udf::DISTANCE, vec![ra1, dec1, ra2, dec2]), ValueType::Float)
            }
            "CONTAINS" | "INTERSECTS" => {
                let (first, second) = (raw_args[0], raw_args[1]);
                if let Some(shape) = const_shape(second)?
                    && let Shape::Point(_) = shape
                    && name == "CONTAINS"
                    && !self.is_point_expr(first)
                {
                    // CONTAINS(shape, POINT) is allowed but only true for point-like shapes.
                }
                // A point in the first position (or, for INTERSECTS, either) takes the fast path
                // [ADQL §4.2.17: INTERSECTS with a point behaves as CONTAINS].
                let (point, region) = if self.is_point_expr(first) {
                    (Some(first), second)
                } else if name == "INTERSECTS" && self.is_point_expr(second) {
                    (Some(second), first)
                } else {
                    (None, second)
                };
                match point {
                    Some(point) => {
                        let (ra, dec) = self.point_coordinates(point)?;
                        let region = self.geometry_arg(region, name)?;
                        Typed::new(call(udf::CONTAINS_POINT, vec![ra, dec, region.expr]), ValueType::Integer)
                    }
                    None => {
                        let a = self.geometry_arg(first, name)?;
                        let b = self.geometry_arg(second, name)?;
                        let function = if name == "CONTAINS" { udf::CONTAINS } else { udf::INTERSECTS };
                        Typed::new(call(function, vec![a.expr, b.expr]), ValueType::Integer)
                    }
                }
            }
            "AREA" => {
                let g = self.geometry_arg(raw_args[0], name)?;
                Typed::new(call(udf::AREA, vec![g.expr]), ValueType::Float)
            }
            "CENTROID" => {
                let g = self.geometry_arg(raw_args[0], name)?;
                Typed::new(call(udf::CENTROID, vec![g.expr]), ValueType::Point)
            }
            "COORD1" | "COORD2" => {
                let (ra, dec) = self.point_coordinates(raw_args[0])?;
                Typed::new(if name == "COORD1" { ra } else { dec }, ValueType::Float)
            }
            "COORDSYS" => {
                self.geometry_arg(raw_args[0], name)?;
                Typed::new(Expr::value(Value::SingleQuotedString("ICRS".into())), ValueType::String)
            }
            "IVO_HEALPIX_INDEX" => {
                let order = self.number_arg(raw_args[0], name)?;
                let (ra, dec) = (self.number_arg(raw_args[1], name)?, self.number_arg(raw_args[2], name)?);
                Typed::new(call(udf::HEALPIX, vec![ra, dec, order]), ValueType::Integer)
            }
            "IVO_HEALPIX_CENTER" => {
                let order = self.number_arg(raw_args[0], name)?;
                let index = self.number_arg(raw_args[1], name)?;
                Typed::new(call(udf::HEALPIX_CENTER, vec![order, index]), ValueType::Point)
            }
            other => {
                return Err(AdqlError::new(ErrorKind::Unsupported, whole.span(), format!("{other} is not supported")));
            }
        };
        Ok(Typed { name: Some(lower), ..typed })
    }
}

fn arity(whole: &Expr, forms: &str) -> AdqlError {
    AdqlError::new(ErrorKind::Function, whole.span(), format!("wrong arguments: expected {forms}"))
}
