//! Tests of `shapes`: valid forms, boundaries, every rejection and round trips.

use super::*;

fn err<T: FromStr<Err = ValueError> + fmt::Debug>(text: &str) -> String {
    text.parse::<T>().unwrap_err().to_string()
}

#[test]
fn points() {
    let p: Point = "12.3 45.6".parse().unwrap();
    assert_eq!((p.lon(), p.lat()), (12.3, 45.6));
    for text in ["0 -90", "360 90", "0 0", "359.999999 -89.999999"] {
        assert!(text.parse::<Point>().is_ok(), "{text}");
    }
    assert_eq!(err::<Point>("-0.5 10"), "longitude -0.5 at character 1 is outside [0, 360] degrees");
    assert_eq!(err::<Point>("360.0001 10"), "longitude 360.0001 at character 1 is outside [0, 360] degrees");
    assert_eq!(err::<Point>("10 -90.5"), "latitude -90.5 at character 4 is outside [-90, 90] degrees");
    assert_eq!(err::<Point>("10 +Inf"), "latitude +Inf at character 4 is outside [-90, 90] degrees");
    assert_eq!(err::<Point>("NaN 10"), "longitude NaN at character 1 is not allowed (NaN is not a coordinate)");
    assert_eq!(err::<Point>("10 x"), "latitude 'x' at character 4 is not a number");
    assert_eq!(err::<Point>("10"), "expected 2 values (longitude latitude), found 1");
    assert_eq!(err::<Point>("10 20 30"), "expected 2 values (longitude latitude), found 3");
    assert_eq!(
        err::<Point>("10,20"),
        "expected 2 values (longitude latitude), found 1 (DALI values are separated by spaces, not commas)"
    );
    assert_eq!(err::<Point>("  "), "the value is empty");
    assert!(Point::new(400.0, 0.0).is_err());
    assert_eq!(Point::new(10.0, 91.0).unwrap_err().to_string(), "latitude 91 is outside [-90, 90] degrees");
}

#[test]
fn circles() {
    let c: Circle = "12.0 34.0 0.5".parse().unwrap();
    assert_eq!((c.center().lon(), c.center().lat(), c.radius()), (12.0, 34.0, 0.5));
    assert_eq!("0 90 180".parse::<Circle>().unwrap().radius(), 180.0);
    assert!("360 -90 1e-9".parse::<Circle>().is_ok());
    assert_eq!(err::<Circle>("10 20 0"), "radius 0 at character 7 is outside (0, 180] degrees");
    assert_eq!(err::<Circle>("10 20 -1"), "radius -1 at character 7 is outside (0, 180] degrees");
    assert_eq!(err::<Circle>("10 20 180.5"), "radius 180.5 at character 7 is outside (0, 180] degrees");
    assert_eq!(err::<Circle>("10 20 +Inf"), "radius +Inf at character 7 is outside (0, 180] degrees");
    assert_eq!(err::<Circle>("10 20 NaN"), "radius NaN at character 7 is not allowed (NaN is not a coordinate)");
    assert_eq!(err::<Circle>("370 20 1"), "longitude 370 at character 1 is outside [0, 360] degrees");
    assert_eq!(err::<Circle>("10 20"), "expected 3 values (longitude latitude radius), found 2");
    assert_eq!(err::<Circle>("10 20 1 2"), "expected 3 values (longitude latitude radius), found 4");
    assert_eq!(err::<Circle>("10 20 1deg"), "radius '1deg' at character 7 is not a number");
    assert_eq!(err::<Circle>(""), "the value is empty");
    let center = Point::new(1.0, 2.0).unwrap();
    assert!(Circle::new(center, 0.0).is_err());
    assert_eq!(Circle::new(center, 3.0).unwrap().to_string(), "1 2 3");
}

#[test]
fn ranges() {
    let r: Range = "12.0 12.5 34.0 36.0".parse().unwrap();
    assert_eq!([r.lon_min(), r.lon_max(), r.lat_min(), r.lat_max()], [12.0, 12.5, 34.0, 36.0]);
    assert!(!r.crosses_meridian());
    assert_eq!(r.latitude(), Interval::new(34.0, 36.0).unwrap());
    let band: Range = "0 360.0 -2.0 2.0".parse().unwrap();
    assert_eq!(band.finite_bounds(), [0.0, 360.0, -2.0, 2.0]);
    let cap: Range = "0 360.0 89.0 +Inf".parse().unwrap();
    assert_eq!(cap.lat_max(), f64::INFINITY);
    assert_eq!(cap.finite_bounds(), [0.0, 360.0, 89.0, 90.0]);
    let sky: Range = "-Inf +Inf -Inf +Inf".parse().unwrap();
    assert_eq!(sky.finite_bounds(), [0.0, 360.0, -90.0, 90.0]);
    assert!(sky.latitude().contains(-90.0));
    let across: Range = "359 1 -1 1".parse().unwrap();
    assert!(across.crosses_meridian());
    assert!("10 10 20 20".parse::<Range>().is_ok());
}

#[test]
fn range_errors() {
    assert_eq!(err::<Range>("10 20 5 4"), "the latitude lower bound 5 is greater than its upper bound 4");
    assert_eq!(
        err::<Range>("+Inf 20 5 6"),
        "longitude minimum +Inf at character 1 is outside [0, 360] degrees (only -Inf may open a lower bound)"
    );
    assert_eq!(
        err::<Range>("10 -Inf 5 6"),
        "longitude maximum -Inf at character 4 is outside [0, 360] degrees (only +Inf may open an upper bound)"
    );
    assert_eq!(
        err::<Range>("10 20 -91 6"),
        "latitude minimum -91 at character 7 is outside [-90, 90] degrees (only -Inf may open a lower bound)"
    );
    assert_eq!(
        err::<Range>("10 20 5 -Inf"),
        "latitude maximum -Inf at character 9 is outside [-90, 90] degrees (only +Inf may open an upper bound)"
    );
    assert_eq!(
        err::<Range>("-1 20 5 6"),
        "longitude minimum -1 at character 1 is outside [0, 360] degrees (only -Inf may open a lower bound)"
    );
    assert_eq!(
        err::<Range>("10 20 NaN 6"),
        "latitude minimum NaN at character 7 is not allowed (NaN is not a coordinate)"
    );
    assert_eq!(err::<Range>("10 20 5"), "expected 4 values (lon_min lon_max lat_min lat_max), found 3");
    assert_eq!(err::<Range>("10 20 5 6 7"), "expected 4 values (lon_min lon_max lat_min lat_max), found 5");
    assert_eq!(err::<Range>("10 20 5 a"), "latitude maximum 'a' at character 9 is not a number");
    assert!(Range::new(0.0, 1.0, 2.0, 1.0).is_err());
}

#[test]
fn polygons() {
    let p: Polygon = "10.0 10.0 10.2 10.0 10.2 10.2 10.0 10.2".parse().unwrap();
    assert_eq!(p.vertices().len(), 4);
    assert_eq!(p.vertices()[1], Point::new(10.2, 10.0).unwrap());
    assert_eq!(p.to_pairs(), vec![(10.0, 10.0), (10.2, 10.0), (10.2, 10.2), (10.0, 10.2)]);
    assert_eq!("0 -90 120 -90 240 -90".parse::<Polygon>().unwrap().vertices().len(), 3);
    // A closing vertex repeating the first is dropped, as DALI advises against it.
    let closed: Polygon = "10 10 20 10 15 20 10 10".parse().unwrap();
    assert_eq!(closed.to_string(), "10 10 20 10 15 20");
    assert_eq!(Polygon::from_pairs(&[(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)]).unwrap().to_string(), "1 1 2 1 2 2");
}

#[test]
fn polygon_errors() {
    assert_eq!(err::<Polygon>("10 10 20 10"), "expected at least 6 values (3 longitude latitude vertices), found 4");
    assert_eq!(
        err::<Polygon>("10 10 20 10 15"),
        "expected an even number of values (longitude latitude pairs), found 5"
    );
    assert_eq!(
        err::<Polygon>("10 10 20 10 15 20 1"),
        "expected an even number of values (longitude latitude pairs), found 7"
    );
    assert_eq!(
        err::<Polygon>("10 10 20 100 15 20"),
        "latitude of vertex 2 100 at character 10 is outside [-90, 90] degrees"
    );
    assert_eq!(
        err::<Polygon>("10 10 20 10 -15 20"),
        "longitude of vertex 3 -15 at character 13 is outside [0, 360] degrees"
    );
    assert_eq!(err::<Polygon>("10 10 20 10 x 20"), "longitude of vertex 3 'x' at character 13 is not a number");
    assert_eq!(
        err::<Polygon>("10 10 20 10 20 10 15 20"),
        "vertex 3 at character 13 repeats vertex 2 (a zero-length edge)"
    );
    assert_eq!(err::<Polygon>("10 10 20 10 10 10"), "vertex 3 at character 13 repeats vertex 1 (a zero-length edge)");
    assert_eq!(
        err::<Polygon>("10 10 10 10 20 10 10 10"),
        "vertex 2 at character 7 repeats vertex 1 (a zero-length edge)"
    );
    assert_eq!(err::<Polygon>(""), "the value is empty");
    assert_eq!(
        Polygon::from_pairs(&[(1.0, 1.0), (2.0, 1.0)]).unwrap_err().to_string(),
        "expected at least 6 values (3 longitude latitude vertices), found 4"
    );
    assert_eq!(
        Polygon::from_pairs(&[(1.0, 1.0), (1.0, 1.0), (2.0, 2.0)]).unwrap_err().to_string(),
        "vertex 2 repeats vertex 1 (a zero-length edge)"
    );
}

#[test]
fn sia_pos_shapes() {
    let c: Shape = "CIRCLE 12.0 34.0 0.5".parse().unwrap();
    assert_eq!(c, Shape::Circle("12 34 0.5".parse().unwrap()));
    assert_eq!(c.xtype(), "circle");
    let r: Shape = "RANGE 0 360.0 89.0 +Inf".parse().unwrap();
    assert_eq!(r.xtype(), "range");
    let p: Shape = "POLYGON 12.0 34.0 14.0 35.0 14. 36.0 12.0 35.0".parse().unwrap();
    assert_eq!(p.xtype(), "polygon");
    assert_eq!(p.to_string(), "POLYGON 12 34 14 35 14 36 12 35");
    // DALI 1.2's shape xtype spells the keyword in lower case.
    assert_eq!("circle 12.3 45.6 0.5".parse::<Shape>().unwrap().to_string(), "CIRCLE 12.3 45.6 0.5");
    assert!("\tRange 1 2 3 4\n".parse::<Shape>().is_ok());
}

#[test]
fn sia_pos_errors_point_into_the_whole_value() {
    assert_eq!(
        err::<Shape>("BOX 10 20 1 1"),
        "unknown shape 'BOX' at character 1: expected CIRCLE, RANGE or POLYGON followed by numbers in degrees"
    );
    assert_eq!(
        err::<Shape>("10 20 1"),
        "unknown shape '10' at character 1: expected CIRCLE, RANGE or POLYGON followed by numbers in degrees"
    );
    assert_eq!(err::<Shape>("CIRCLE 10 95 1"), "latitude 95 at character 11 is outside [-90, 90] degrees");
    assert_eq!(err::<Shape>("CIRCLE 10 20"), "expected 3 values after CIRCLE (longitude latitude radius), found 2");
    assert_eq!(err::<Shape>("CIRCLE"), "expected 3 values after CIRCLE (longitude latitude radius), found 0");
    assert_eq!(err::<Shape>("RANGE 1 2 3"), "expected 4 values after RANGE (lon_min lon_max lat_min lat_max), found 3");
    assert_eq!(
        err::<Shape>("POLYGON 1 2 3 4"),
        "expected at least 6 values after POLYGON (3 longitude latitude vertices), found 4"
    );
    assert_eq!(
        err::<Shape>("POLYGON"),
        "expected at least 6 values after POLYGON (3 longitude latitude vertices), found 0"
    );
    assert_eq!(
        err::<Shape>("CIRCLE 10,20,1"),
        "expected 3 values after CIRCLE (longitude latitude radius), found 1 (DALI values are separated by spaces, not commas)"
    );
    assert_eq!(err::<Shape>(""), "the value is empty");
}

#[test]
fn round_trips() {
    for text in ["12 34", "0 -90", "360 90", "1.5e-5 -0.0001"] {
        assert_eq!(text.parse::<Point>().unwrap().to_string(), text);
    }
    for text in ["12.3 45.6 0.5", "0 0 180", "359.9 -89.9 1e-6"] {
        assert_eq!(text.parse::<Circle>().unwrap().to_string(), text);
    }
    for text in ["12 12.5 34 36", "-Inf +Inf -Inf +Inf", "359 1 -1 1", "0 360 89 +Inf"] {
        assert_eq!(text.parse::<Range>().unwrap().to_string(), text);
    }
    for text in ["10 10 10.2 10 10.2 10.2 10 10.2", "0 -90 120 -90 240 -90"] {
        assert_eq!(text.parse::<Polygon>().unwrap().to_string(), text);
    }
    for text in ["CIRCLE 12 34 0.5", "RANGE 0 360 -2 2", "POLYGON 12 34 14 35 14 36"] {
        let shape: Shape = text.parse().unwrap();
        assert_eq!(shape.to_string(), text);
        assert_eq!(shape.to_string().parse::<Shape>().unwrap(), shape);
    }
    // Values in code round-trip through text exactly.
    let c = Circle::new(Point::new(1.0 / 3.0, -2.0 / 7.0).unwrap(), 0.1 + 0.2).unwrap();
    assert_eq!(c.to_string().parse::<Circle>().unwrap(), c);
}
