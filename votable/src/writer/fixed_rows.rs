//! Column-at-a-time binary encoding for tables whose rows all have the same width (no
//! variable-length arrays or strings): every cell's position is known in advance, so each column
//! is written in one tight loop instead of dispatching per cell.

use arrow_buffer::NullBuffer;

use crate::layout::CellLayout;

use super::binary::{BinaryColumn, encode_cell};

/// Rows encoded per pass, to bound the buffer whatever the batch size.
pub(crate) const ROWS_PER_PASS: usize = 4096;

/// Encodes rows `start..end` (at most [`ROWS_PER_PASS`]) onto `out`. `widths` are the cells'
/// widths, `flag_bytes` the BINARY2 null-flag bytes per row (0 for BINARY).
#[allow(clippy::too_many_arguments)]
pub(crate) fn encode_rows(
    out: &mut Vec<u8>,
    layouts: &[CellLayout],
    columns: &[BinaryColumn<'_>],
    nulls: &[Option<NullBuffer>],
    widths: &[usize],
    flag_bytes: usize,
    start: usize,
    end: usize,
) {
    let row_width = flag_bytes + widths.iter().sum::<usize>();
    let base = out.len();
    out.resize(base + (end - start) * row_width, 0);
    let mut scratch = Vec::new();
    let mut offset = flag_bytes;
    for (column, ((layout, encoder), &width)) in layouts.iter().zip(columns).zip(widths).enumerate() {
        let nulls = nulls[column].as_ref();
        let rows = &mut out[base..];
        macro_rules! numbers {
            ($values:expr, $null:expr) => {
                for (i, row) in (start..end).enumerate() {
                    let value = if nulls.is_some_and(|n| n.is_null(row)) { $null } else { $values[row] };
                    let at = i * row_width + offset;
                    rows[at..at + width].copy_from_slice(&value.to_be_bytes());
                }
            };
        }
        match encoder {
            BinaryColumn::U8(v, magic) => numbers!(v, *magic),
            BinaryColumn::I16(v, magic) => numbers!(v, *magic),
            BinaryColumn::I32(v, magic) => numbers!(v, *magic),
            BinaryColumn::I64(v, magic) => numbers!(v, *magic),
            BinaryColumn::F32(v) => numbers!(v, f32::NAN),
            BinaryColumn::F64(v) => numbers!(v, f64::NAN),
            BinaryColumn::Other(view) => {
                for (i, row) in (start..end).enumerate() {
                    scratch.clear();
                    encode_cell(&mut scratch, layout, view, row, nulls.is_some_and(|n| n.is_null(row)));
                    let at = i * row_width + offset;
                    // Fixed shapes always encode to exactly `width` bytes.
                    let n = scratch.len().min(width);
                    rows[at..at + n].copy_from_slice(&scratch[..n]);
                }
            }
        }
        if flag_bytes > 0
            && let Some(nulls) = nulls
            && nulls.null_count() > 0
        {
            let (byte, mask) = (column / 8, 0x80u8 >> (column % 8));
            for (i, row) in (start..end).enumerate() {
                if nulls.is_null(row) {
                    rows[i * row_width + byte] |= mask;
                }
            }
        }
        offset += width;
    }
}
