//! The IVOA UCD1+ controlled vocabulary: parsing, validation and explanation of UCD strings.
