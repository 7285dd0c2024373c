//! VOTable 1.5 data model, streaming readers and writers (TABLEDATA, BINARY, BINARY2) and Arrow conversion.
