//! A publishing IVOA registry over OAI-PMH 2.0 (Registry Interfaces 1.1).
