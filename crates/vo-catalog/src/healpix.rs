//! The `_healpix` column of positional tables and the coverage MOC built from it.

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array};
use arrow_cast::cast;
use arrow_schema::DataType;
use moc::moc::range::RangeMOC;
use moc::qty::Hpx;

use crate::error::{CatalogError, Result};

/// Computes nested HEALPix indices at `order` for (ra, dec) in degrees. Rows with a null
/// coordinate get a null index; coordinates out of range are an error naming the offending row
/// (through `locate`, which turns a row index of this batch into a position in the input).
pub fn healpix_column(
    order: u8,
    ra: &ArrayRef,
    dec: &ArrayRef,
    locate: &dyn Fn(usize) -> String,
) -> Result<Int64Array> {
    let ra = cast(ra, &DataType::Float64)?;
    let dec = cast(dec, &DataType::Float64)?;
    let ra = ra.as_any().downcast_ref::<Float64Array>().expect("cast to Float64");
    let dec = dec.as_any().downcast_ref::<Float64Array>().expect("cast to Float64");
    let layer = cdshealpix::nested::get(order);
    let mut out = Vec::with_capacity(ra.len());
    for i in 0..ra.len() {
        if ra.is_null(i) || dec.is_null(i) {
            out.push(None);
            continue;
        }
        let (a, d) = (ra.value(i), dec.value(i));
        if !(0.0..=360.0).contains(&a) {
            return Err(CatalogError::BadInput(format!("{}: RA {a} is outside [0, 360] degrees", locate(i))));
        }
        if !(-90.0..=90.0).contains(&d) {
            return Err(CatalogError::BadInput(format!("{}: Dec {d} is outside [-90, 90] degrees", locate(i))));
        }
        out.push(Some(layer.hash(a.to_radians(), d.to_radians()) as i64));
    }
    Ok(Int64Array::from(out))
}

/// Builds a coverage MOC at `moc_order` from HEALPix indices at `index_order` given in
/// ascending order (the order of a sorted table), keeping memory bounded by the MOC's size.
pub struct CoverageBuilder {
    shift: u32,
    moc_order: u8,
    cells: Vec<u64>,
}

impl CoverageBuilder {
    pub fn new(index_order: u8, moc_order: u8) -> Self {
        assert!(moc_order <= index_order, "the MOC cannot be finer than the index");
        CoverageBuilder { shift: 2 * u32::from(index_order - moc_order), moc_order, cells: Vec::new() }
    }

    pub fn push_sorted(&mut self, indices: &Int64Array) {
        for index in indices.iter().flatten() {
            let cell = (index as u64) >> self.shift;
            if self.cells.last() != Some(&cell) {
                self.cells.push(cell);
            }
        }
    }

    pub fn finish(mut self) -> RangeMOC<u64, Hpx<u64>> {
        self.cells.dedup();
        RangeMOC::from_fixed_depth_cells(self.moc_order, self.cells.into_iter(), None)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn indices_and_range_checks() {
        let ra: ArrayRef = Arc::new(Float64Array::from(vec![Some(0.0), Some(359.9), None, Some(45.0)]));
        let dec: ArrayRef = Arc::new(Float64Array::from(vec![Some(90.0), Some(-89.0), Some(1.0), Some(0.0)]));
        let h = healpix_column(12, &ra, &dec, &|i| format!("row {i}")).unwrap();
        assert!(h.is_null(2));
        assert_eq!(h.value(3) as u64, cdshealpix::nested::hash(12, 45f64.to_radians(), 0.0));
        let bad: ArrayRef = Arc::new(Float64Array::from(vec![10.0, 20.0]));
        let bad_dec: ArrayRef = Arc::new(Float64Array::from(vec![10.0, 95.0]));
        let err = healpix_column(12, &bad, &bad_dec, &|i| format!("line {}", i + 2)).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("95"), "{err}");
    }

    #[test]
    fn coverage_of_sorted_indices() {
        let mut b = CoverageBuilder::new(12, 8);
        let shift = 2 * 4;
        b.push_sorted(&Int64Array::from(vec![5 << shift, (5 << shift) + 3, 9 << shift]));
        let moc = b.finish();
        assert_eq!(moc.n_depth_max_cells(), 2);
    }
}
