//! Spherical geometry on the celestial sphere (ADQL/DALI shapes) and HEALPix coverage of shapes.
