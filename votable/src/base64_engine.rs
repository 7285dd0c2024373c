//! The base64 engines: the `base64` crate's SIMD engine (AVX2/NEON detected at run time, scalar
//! otherwise), standard alphabet. Encoding dominates BINARY2 writing without it.

use std::sync::LazyLock;

use base64::engine::{DecodePaddingMode, GeneralPurposeConfig, Simd};

/// Encoder with standard padding.
pub(crate) static ENCODER: LazyLock<Simd> = LazyLock::new(|| Simd::standard(GeneralPurposeConfig::new()));

/// Decoder accepting missing padding and non-zero trailing bits (both seen in the wild).
pub(crate) static LENIENT_DECODER: LazyLock<Simd> = LazyLock::new(|| {
    Simd::standard(
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
});
