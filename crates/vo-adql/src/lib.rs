//! ADQL 2.1: parser, validator against TAP_SCHEMA metadata, translation to DataFusion and spherical geometry UDFs.
