//! ADQL coordinate-system strings (the deprecated first argument of POINT, CIRCLE, BOX, POLYGON).
//!
//! They follow the STC-S prefix `[frame] [reference position] [flavour]`, each part optional, e.g.
//! `'ICRS'`, `'ICRS GEOCENTER'`, `''`. Any case is accepted; anything else is an error.

use crate::error::{GeomError, Result};

const FRAMES: &[&str] = &[
    "ICRS",
    "FK4",
    "FK5",
    "J2000",
    "B1950",
    "ECLIPTIC",
    "GALACTIC",
    "GALACTIC_I",
    "GALACTIC_II",
    "SUPER_GALACTIC",
    "GEO_C",
    "GEO_D",
    "UNKNOWNFRAME",
];

const REFERENCE_POSITIONS: &[&str] = &[
    "BARYCENTER",
    "GEOCENTER",
    "HELIOCENTER",
    "LSR",
    "LSRK",
    "LSRD",
    "GALACTIC_CENTER",
    "LOCAL_GROUP_CENTER",
    "MOON",
    "EMBARYCENTER",
    "MERCURY",
    "VENUS",
    "MARS",
    "JUPITER",
    "SATURN",
    "URANUS",
    "NEPTUNE",
    "PLUTO",
    "RELOCATABLE",
    "TOPOCENTER",
    "UNKNOWNREFPOS",
];

const FLAVOURS: &[&str] = &["SPHERICAL2", "CARTESIAN2", "CARTESIAN3", "UNITSPHERE", "SPHERICAL3"];

/// A parsed coordinate-system string; every part upper-cased, `None` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CoordSys {
    pub frame: Option<String>,
    /// An equinox after FK4/FK5, e.g. `J2000`.
    pub equinox: Option<String>,
    pub reference_position: Option<String>,
    pub flavour: Option<String>,
}

impl CoordSys {
    /// Parses e.g. `"ICRS GEOCENTER"`; the empty string is the unspecified system.
    ///
    /// ```
    /// let cs = vo_geom::CoordSys::parse("icrs geocenter").unwrap();
    /// assert_eq!(cs.frame.as_deref(), Some("ICRS"));
    /// assert!(vo_geom::CoordSys::parse("ICRS GEOCENTRE").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<CoordSys> {
        let mut result = CoordSys::default();
        let words: Vec<String> = text.split_ascii_whitespace().map(str::to_ascii_uppercase).collect();
        let mut rest = words.as_slice();
        if let Some((first, tail)) = rest.split_first()
            && FRAMES.contains(&first.as_str())
        {
            result.frame = Some(first.clone());
            rest = tail;
            if matches!(first.as_str(), "FK4" | "FK5")
                && let Some((equinox, tail)) = rest.split_first()
                && is_equinox(equinox)
            {
                result.equinox = Some(equinox.clone());
                rest = tail;
            }
        }
        if let Some((first, tail)) = rest.split_first()
            && REFERENCE_POSITIONS.contains(&first.as_str())
        {
            result.reference_position = Some(first.clone());
            rest = tail;
        }
        if let Some((first, tail)) = rest.split_first()
            && FLAVOURS.contains(&first.as_str())
        {
            result.flavour = Some(first.clone());
            rest = tail;
        }
        if let Some(unexpected) = rest.first() {
            return Err(GeomError::InvalidCoordSys {
                text: text.to_string(),
                reason: format!(
                    "'{unexpected}' is not a known frame, reference position or flavour \
                     (expected e.g. 'ICRS', 'ICRS GEOCENTER' or '')"
                ),
            });
        }
        Ok(result)
    }

    /// Whether positions in this system can be compared with ICRS positions without conversion:
    /// unspecified, ICRS, UNKNOWNFRAME, or the J2000 equatorial frames (FK5 J2000, J2000), which agree
    /// with ICRS to tens of milli-arcseconds.
    pub fn is_icrs_compatible(&self) -> bool {
        match self.frame.as_deref() {
            None | Some("ICRS" | "UNKNOWNFRAME" | "J2000") => true,
            Some("FK5") => self.equinox.as_deref().is_none_or(|e| e.starts_with("J2000")),
            _ => false,
        }
    }
}

fn is_equinox(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('J' | 'B')) && chars.as_str().parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_standard_forms() {
        assert_eq!(CoordSys::parse("").unwrap(), CoordSys::default());
        assert!(CoordSys::parse("ICRS").unwrap().is_icrs_compatible());
        let fk5 = CoordSys::parse("FK5 J2000 TOPOCENTER SPHERICAL2").unwrap();
        assert_eq!(fk5.equinox.as_deref(), Some("J2000"));
        assert!(fk5.is_icrs_compatible());
        let geocentric = CoordSys::parse("GEOCENTER").unwrap();
        assert_eq!(geocentric.frame, None);
        assert!(!CoordSys::parse("GALACTIC").unwrap().is_icrs_compatible());
    }

    #[test]
    fn rejects_unknown_words_and_wrong_order() {
        assert!(CoordSys::parse("ICRF").is_err());
        assert!(CoordSys::parse("GEOCENTER ICRS").is_err());
        assert!(CoordSys::parse("ICRS ICRS").is_err());
    }
}
