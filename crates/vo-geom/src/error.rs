//! The one error type of this crate.

use thiserror::Error;

/// Why a shape, a position, an xtype value or a coordinate-system string was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeomError {
    /// A coordinate is not a finite number, or a declination lies outside [-90, 90].
    #[error("invalid {what} {value}: {reason}")]
    InvalidCoordinate { what: &'static str, value: f64, reason: &'static str },
    /// A circle radius outside [0, 180] degrees.
    #[error("invalid circle radius {0}: it must be between 0 and 180 degrees")]
    InvalidRadius(f64),
    /// A box width or height outside (0, 180) degrees.
    #[error("invalid box {what} {value}: it must be greater than 0 and less than 180 degrees")]
    InvalidBoxSize { what: &'static str, value: f64 },
    /// A polygon needs at least three distinct vertices.
    #[error("a polygon needs at least 3 vertices, got {0}")]
    TooFewVertices(usize),
    /// A polygon whose edges are undefined or enclose no area.
    #[error("degenerate polygon: {0}")]
    DegeneratePolygon(String),
    /// Two edges of a polygon cross or touch.
    #[error("self-intersecting polygon: edge {first} (from vertex {first}) crosses edge {second}")]
    SelfIntersectingPolygon { first: usize, second: usize },
    /// A DALI xtype value that does not parse.
    #[error("invalid DALI {xtype} value '{text}': {reason}")]
    InvalidXtype { xtype: &'static str, text: String, reason: String },
    /// A coordinate-system string with a word that is not an STC frame, reference position or flavour.
    #[error("invalid coordinate system '{text}': {reason}")]
    InvalidCoordSys { text: String, reason: String },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, GeomError>;
