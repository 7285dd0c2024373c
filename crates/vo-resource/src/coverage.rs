//! `coverage` of a data resource [VODataService §3.3]: a MOC for space, intervals for time (MJD)
//! and spectrum (Joules), a footprint service, and messenger (waveband) names.

use crate::error::ResourceError;
use crate::xml::{Element, XmlWriter};

/// Spatial coverage as an ASCII MOC (e.g. `3/1-4 4/20`), ICRS unless `frame` says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpatialCoverage {
    pub moc: String,
    pub frame: Option<String>,
}

/// A link to a service that returns the precise footprint (`ivo_id`: `ivo://ivoa.net/std/moc`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footprint {
    pub url: String,
    pub ivo_id: Option<String>,
}

/// `coverage`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// The deprecated STC 1.30 `STCResourceProfile`, kept verbatim when read from a record.
    pub stc_resource_profile: Option<Element>,
    pub spatial: Option<SpatialCoverage>,
    /// Time intervals in MJD (TDB, barycentre).
    pub temporal: Vec<(f64, f64)>,
    /// Spectral intervals as particle energies in Joules.
    pub spectral: Vec<(f64, f64)>,
    pub footprint: Option<Footprint>,
    /// Messengers: `Radio`, `Millimeter`, `Infrared`, `Optical`, `UV`, `EUV`, `X-ray`,
    /// `Gamma-ray`, `Neutrino`...
    pub wavebands: Vec<String>,
    /// Typical angular scale of the data, in degrees.
    pub region_of_regard: Option<f64>,
}

impl Coverage {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("coverage", &[]);
        if let Some(profile) = &self.stc_resource_profile {
            w.verbatim(profile);
        }
        if let Some(spatial) = &self.spatial {
            w.leaf("spatial", &[("frame", spatial.frame.as_deref())], &spatial.moc);
        }
        for (low, high) in &self.temporal {
            w.text("temporal", &format!("{low} {high}"));
        }
        for (low, high) in &self.spectral {
            w.text("spectral", &format!("{low} {high}"));
        }
        if let Some(footprint) = &self.footprint {
            w.leaf("footprint", &[("ivo-id", footprint.ivo_id.as_deref())], &footprint.url);
        }
        w.each("waveband", &self.wavebands);
        w.optional_value("regionOfRegard", self.region_of_regard);
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let interval = |element: &Element| -> Result<(f64, f64), ResourceError> {
            let text = element.trimmed_text();
            let numbers: Vec<f64> = text
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| element.invalid(text, "two numbers: lower upper"))?;
            match numbers[..] {
                [low, high] => Ok((low, high)),
                _ => Err(element.invalid(text, "two numbers: lower upper")),
            }
        };
        Ok(Coverage {
            stc_resource_profile: e.child("STCResourceProfile").cloned(),
            spatial: e
                .child("spatial")
                .map(|s| SpatialCoverage { moc: s.trimmed_text().to_string(), frame: s.optional_attr("frame") }),
            temporal: e.children_named("temporal").map(interval).collect::<Result<_, _>>()?,
            spectral: e.children_named("spectral").map(interval).collect::<Result<_, _>>()?,
            footprint: e
                .child("footprint")
                .map(|f| Footprint { url: f.trimmed_text().to_string(), ivo_id: f.optional_attr("ivo-id") }),
            wavebands: e.texts("waveband"),
            region_of_regard: e.optional_value("regionOfRegard", "a number of degrees")?,
        })
    }
}
