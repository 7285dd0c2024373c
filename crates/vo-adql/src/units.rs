//! VOUnit conversion factors for IN_UNIT [ADQL 2.1 §4.9]: simple units with optional SI prefixes.

/// Physical dimension of a unit, so only compatible units convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Angle,
    Length,
    Time,
    Mass,
    FluxDensity,
    Frequency,
    Energy,
    Velocity,
    Dimensionless,
}

/// (symbol, dimension, value in the dimension's base unit, accepts SI prefixes)
const UNITS: &[(&str, Dimension, f64, bool)] = &[
    ("rad", Dimension::Angle, 1.0, true),
    ("deg", Dimension::Angle, std::f64::consts::PI / 180.0, false),
    ("arcmin", Dimension::Angle, std::f64::consts::PI / 180.0 / 60.0, false),
    ("arcsec", Dimension::Angle, std::f64::consts::PI / 180.0 / 3600.0, true),
    ("mas", Dimension::Angle, std::f64::consts::PI / 180.0 / 3_600_000.0, false),
    ("m", Dimension::Length, 1.0, true),
    ("Angstrom", Dimension::Length, 1e-10, false),
    ("angstrom", Dimension::Length, 1e-10, false),
    ("AU", Dimension::Length, 1.495_978_707e11, false),
    ("au", Dimension::Length, 1.495_978_707e11, false),
    ("pc", Dimension::Length, 3.085_677_581_491_367e16, true),
    ("lyr", Dimension::Length, 9.460_730_472_580_8e15, true),
    ("solRad", Dimension::Length, 6.957e8, false),
    ("s", Dimension::Time, 1.0, true),
    ("min", Dimension::Time, 60.0, false),
    ("h", Dimension::Time, 3600.0, false),
    ("d", Dimension::Time, 86400.0, false),
    ("yr", Dimension::Time, 31_557_600.0, true),
    ("a", Dimension::Time, 31_557_600.0, true),
    ("g", Dimension::Mass, 1e-3, true),
    ("solMass", Dimension::Mass, 1.988_409_87e30, false),
    ("Jy", Dimension::FluxDensity, 1e-26, true),
    ("Hz", Dimension::Frequency, 1.0, true),
    ("J", Dimension::Energy, 1.0, true),
    ("eV", Dimension::Energy, 1.602_176_634e-19, true),
    ("erg", Dimension::Energy, 1e-7, false),
    ("km/s", Dimension::Velocity, 1e3, false),
    ("m/s", Dimension::Velocity, 1.0, false),
    ("mas/yr", Dimension::Velocity, f64::NAN, false),
    ("%", Dimension::Dimensionless, 0.01, false),
];

const PREFIXES: &[(&str, f64)] = &[
    ("da", 1e1),
    ("y", 1e-24),
    ("z", 1e-21),
    ("a", 1e-18),
    ("f", 1e-15),
    ("p", 1e-12),
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("c", 1e-2),
    ("d", 1e-1),
    ("h", 1e2),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
    ("Z", 1e21),
    ("Y", 1e24),
];

fn lookup(unit: &str) -> Option<(Dimension, f64)> {
    let unit = unit.trim();
    if let Some(&(_, dimension, value, _)) = UNITS.iter().find(|(symbol, ..)| *symbol == unit) {
        return value.is_finite().then_some((dimension, value));
    }
    PREFIXES.iter().find_map(|(prefix, scale)| {
        let rest = unit.strip_prefix(prefix)?;
        UNITS
            .iter()
            .find(|(symbol, _, _, prefixable)| *prefixable && *symbol == rest)
            .map(|&(_, dimension, value, _)| (dimension, value * scale))
    })
}

/// The factor converting values in `from` to `to`, or why that is impossible.
pub fn conversion_factor(from: &str, to: &str) -> Result<f64, String> {
    let (from_dimension, from_value) = lookup(from).ok_or_else(|| format!("'{from}' is not a unit IN_UNIT knows"))?;
    let (to_dimension, to_value) = lookup(to).ok_or_else(|| format!("'{to}' is not a unit IN_UNIT knows"))?;
    if from_dimension != to_dimension {
        return Err(format!("cannot convert '{from}' to '{to}': they measure different quantities"));
    }
    Ok(from_value / to_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert!((conversion_factor("deg", "arcsec").unwrap() - 3600.0).abs() < 1e-9);
        assert!((conversion_factor("mas", "deg").unwrap() - 1.0 / 3.6e6).abs() < 1e-18);
        assert!((conversion_factor("kpc", "pc").unwrap() - 1000.0).abs() < 1e-9);
        assert!((conversion_factor("mJy", "Jy").unwrap() - 1e-3).abs() < 1e-15);
        assert!(conversion_factor("deg", "m").is_err());
        assert!(conversion_factor("furlong", "m").is_err());
    }
}
