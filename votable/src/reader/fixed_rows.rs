//! Column-at-a-time decoding of binary rows that all have the same width: a run of complete rows
//! is sliced out of the decoded buffer and each column is decoded in one loop.

use crate::layout::{CellLayout, Shape};
use crate::model::Datatype;

use super::binary::fill_cell;
use super::builders::{ColumnBuilder, ElementValues};

/// Decodes `rows` rows of `row_width` bytes from `data`. `widths` are the cells' widths and
/// `flag_bytes` the BINARY2 null-flag bytes per row (0 for BINARY).
pub(crate) fn decode_rows(
    builders: &mut [ColumnBuilder],
    layouts: &[CellLayout],
    widths: &[usize],
    flag_bytes: usize,
    data: &[u8],
    rows: usize,
) -> Result<(), String> {
    let row_width = flag_bytes + widths.iter().sum::<usize>();
    let mut offset = flag_bytes;
    for (column, ((builder, layout), &width)) in builders.iter_mut().zip(layouts).zip(widths).enumerate() {
        let (flag_byte, flag_mask) = (column / 8, 0x80u8 >> (column % 8));
        let null = |r: usize| flag_bytes > 0 && data[r * row_width + flag_byte] & flag_mask != 0;
        let cell = |r: usize| &data[r * row_width + offset..r * row_width + offset + width];
        let scalar_number = layout.shape == Shape::Scalar
            && layout.components == 1
            && !matches!(layout.datatype, Datatype::Bit | Datatype::Boolean);
        match builder {
            ColumnBuilder::Numeric(b) if scalar_number => {
                let int_null = b.int_null;
                let float_null = b.float_null;
                macro_rules! scalars {
                    ($v:expr, $t:ty, $n:expr, $is_magic:expr) => {{
                        $v.reserve(rows);
                        for r in 0..rows {
                            let mut a = [0u8; $n];
                            a.copy_from_slice(cell(r));
                            let x = <$t>::from_be_bytes(a);
                            $v.push(x);
                            b.element_validity.append(!null(r) && !$is_magic(x));
                        }
                    }};
                }
                match &mut b.values {
                    ElementValues::U8(v) => scalars!(v, u8, 1, |x: u8| int_null == Some(x as i64)),
                    ElementValues::I16(v) => scalars!(v, i16, 2, |x: i16| int_null == Some(x as i64)),
                    ElementValues::I32(v) => scalars!(v, i32, 4, |x: i32| int_null == Some(x as i64)),
                    ElementValues::I64(v) => scalars!(v, i64, 8, |x: i64| int_null == Some(x)),
                    ElementValues::F32(v) => scalars!(v, f32, 4, |x: f32| float_null == Some(x as f64)),
                    ElementValues::F64(v) => scalars!(v, f64, 8, |x: f64| float_null == Some(x)),
                    ElementValues::Bool(_) => return Err("internal: boolean column on the number path".into()),
                }
            }
            _ => {
                let count = match layout.shape {
                    Shape::Fixed(n) => n,
                    _ => 1,
                };
                for r in 0..rows {
                    fill_cell(builder, layout, cell(r), count, null(r))
                        .map_err(|m| format!("column '{}': {m}", layout.name))?;
                }
            }
        }
        offset += width;
    }
    Ok(())
}
