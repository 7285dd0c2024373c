//! SimpleDALRegExt: the capabilities of Cone Search (`cs:ConeSearch`), Simple Image Access 1
//! (`sia:SimpleImageAccess`) and Simple Spectral Access (`ssa:SimpleSpectralAccess`).

use crate::error::ResourceError;
use crate::xml::{Element, XmlWriter};

/// A test query for a Cone Search service.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConeQuery {
    pub ra: f64,
    pub dec: f64,
    pub sr: f64,
    pub verb: Option<u32>,
    pub catalog: Option<String>,
    pub extras: Option<String>,
}

/// The `cs:ConeSearch` capability content [SCS §3, App. B.3].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConeSearch {
    /// Largest search radius accepted, in degrees.
    pub max_sr: Option<f64>,
    /// Largest number of records returned.
    pub max_records: Option<u64>,
    /// Whether VERB changes the columns returned.
    pub verbosity: bool,
    pub test_query: Option<ConeQuery>,
}

impl ConeSearch {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.optional_value("maxSR", self.max_sr);
        w.optional_value("maxRecords", self.max_records);
        w.text("verbosity", if self.verbosity { "true" } else { "false" });
        if let Some(q) = &self.test_query {
            w.start("testQuery", &[]);
            w.text("ra", &q.ra.to_string());
            w.text("dec", &q.dec.to_string());
            w.text("sr", &q.sr.to_string());
            w.optional_value("verb", q.verb);
            w.optional("catalog", q.catalog.as_deref());
            w.optional("extras", q.extras.as_deref());
            w.end();
        }
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let test_query = match e.child("testQuery") {
            Some(q) => Some(ConeQuery {
                ra: q.required_child("ra")?.value("a number")?,
                dec: q.required_child("dec")?.value("a number")?,
                sr: q.required_child("sr")?.value("a number")?,
                verb: q.optional_value("verb", "a positive integer")?,
                catalog: q.optional_text("catalog"),
                extras: q.optional_text("extras"),
            }),
            None => None,
        };
        Ok(ConeSearch {
            max_sr: e.optional_value("maxSR", "a number of degrees")?,
            max_records: e.optional_value("maxRecords", "a positive integer")?,
            verbosity: e.required_child("verbosity")?.boolean()?,
            test_query,
        })
    }
}

/// A size or position on the sky, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SkyPair {
    pub long: f64,
    pub lat: f64,
}

impl SkyPair {
    fn write(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.text("long", &self.long.to_string());
        w.text("lat", &self.lat.to_string());
        w.end();
    }

    fn read(e: &Element) -> Result<Self, ResourceError> {
        Ok(SkyPair {
            long: e.required_child("long")?.value("a number")?,
            lat: e.required_child("lat")?.value("a number")?,
        })
    }

    fn read_optional(parent: &Element, name: &str) -> Result<Option<Self>, ResourceError> {
        parent.child(name).map(SkyPair::read).transpose()
    }
}

/// A test query for an SIA 1 service.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageQuery {
    pub pos: Option<SkyPair>,
    pub size: Option<SkyPair>,
    pub verb: Option<u32>,
    pub extras: Option<String>,
}

/// The `sia:SimpleImageAccess` capability content (SIA 1; SIA 2 uses a plain capability).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimpleImageAccess {
    /// `Cutout`, `Mosaic`, `Atlas` or `Pointed`.
    pub image_service_type: String,
    pub max_query_region_size: Option<SkyPair>,
    pub max_image_extent: Option<SkyPair>,
    pub max_image_size: Option<u64>,
    pub max_file_size: Option<u64>,
    pub max_records: Option<u64>,
    pub test_query: Option<ImageQuery>,
}

impl SimpleImageAccess {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.text("imageServiceType", &self.image_service_type);
        if let Some(size) = &self.max_query_region_size {
            size.write(w, "maxQueryRegionSize");
        }
        if let Some(size) = &self.max_image_extent {
            size.write(w, "maxImageExtent");
        }
        w.optional_value("maxImageSize", self.max_image_size);
        w.optional_value("maxFileSize", self.max_file_size);
        w.optional_value("maxRecords", self.max_records);
        if let Some(q) = &self.test_query {
            w.start("testQuery", &[]);
            if let Some(pos) = &q.pos {
                pos.write(w, "pos");
            }
            if let Some(size) = &q.size {
                size.write(w, "size");
            }
            w.optional_value("verb", q.verb);
            w.optional("extras", q.extras.as_deref());
            w.end();
        }
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let test_query = match e.child("testQuery") {
            Some(q) => Some(ImageQuery {
                pos: SkyPair::read_optional(q, "pos")?,
                size: SkyPair::read_optional(q, "size")?,
                verb: q.optional_value("verb", "a positive integer")?,
                extras: q.optional_text("extras"),
            }),
            None => None,
        };
        Ok(SimpleImageAccess {
            image_service_type: e.required_text("imageServiceType")?,
            max_query_region_size: SkyPair::read_optional(e, "maxQueryRegionSize")?,
            max_image_extent: SkyPair::read_optional(e, "maxImageExtent")?,
            max_image_size: e.optional_value("maxImageSize", "a positive integer")?,
            max_file_size: e.optional_value("maxFileSize", "a positive integer")?,
            max_records: e.optional_value("maxRecords", "a positive integer")?,
            test_query,
        })
    }
}

/// A test query for an SSA service.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpectralQuery {
    /// Position (degrees) and optional reference frame.
    pub pos: Option<(SkyPair, Option<String>)>,
    /// Search diameter in degrees.
    pub size: Option<f64>,
    /// Extra parameters, URL-encoded.
    pub query_data_cmd: Option<String>,
}

/// The `ssa:SimpleSpectralAccess` capability content [SSA §2; SimpleDALRegExt].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimpleSpectralAccess {
    /// `query`, `minimal` or `full`.
    pub compliance_level: String,
    pub product_types: Vec<String>,
    /// At least one of `survey pointed custom theory artificial`.
    pub data_sources: Vec<String>,
    /// At least one of `archival cutout filtered mosaic projection spectralExtraction
    /// catalogExtraction`.
    pub creation_types: Vec<String>,
    /// At least one frame, e.g. `ICRS`.
    pub supported_frames: Vec<String>,
    pub max_search_radius: Option<f64>,
    pub max_records: Option<u64>,
    pub default_max_records: Option<u64>,
    pub max_aperture: Option<f64>,
    pub max_file_size: Option<u64>,
    pub test_query: Option<SpectralQuery>,
}

impl SimpleSpectralAccess {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.text("complianceLevel", &self.compliance_level);
        w.each("productType", &self.product_types);
        w.each("dataSource", &self.data_sources);
        w.each("creationType", &self.creation_types);
        w.each("supportedFrame", &self.supported_frames);
        w.optional_value("maxSearchRadius", self.max_search_radius);
        w.optional_value("maxRecords", self.max_records);
        w.optional_value("defaultMaxRecords", self.default_max_records);
        w.optional_value("maxAperture", self.max_aperture);
        w.optional_value("maxFileSize", self.max_file_size);
        if let Some(q) = &self.test_query {
            w.start("testQuery", &[]);
            if let Some((pos, frame)) = &q.pos {
                w.start("pos", &[]);
                w.text("long", &pos.long.to_string());
                w.text("lat", &pos.lat.to_string());
                w.optional("refframe", frame.as_deref());
                w.end();
            }
            w.optional_value("size", q.size);
            w.optional("queryDataCmd", q.query_data_cmd.as_deref());
            w.end();
        }
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let test_query = match e.child("testQuery") {
            Some(q) => Some(SpectralQuery {
                pos: match q.child("pos") {
                    Some(pos) => Some((SkyPair::read(pos)?, pos.optional_text("refframe"))),
                    None => None,
                },
                size: q.optional_value("size", "a number of degrees")?,
                query_data_cmd: q.optional_text("queryDataCmd"),
            }),
            None => None,
        };
        Ok(SimpleSpectralAccess {
            compliance_level: e.required_text("complianceLevel")?,
            product_types: e.texts("productType"),
            data_sources: e.texts("dataSource"),
            creation_types: e.texts("creationType"),
            supported_frames: e.texts("supportedFrame"),
            max_search_radius: e.optional_value("maxSearchRadius", "a number of degrees")?,
            max_records: e.optional_value("maxRecords", "a positive integer")?,
            default_max_records: e.optional_value("defaultMaxRecords", "a positive integer")?,
            max_aperture: e.optional_value("maxAperture", "a number of degrees")?,
            max_file_size: e.optional_value("maxFileSize", "a positive integer")?,
            test_query,
        })
    }
}
