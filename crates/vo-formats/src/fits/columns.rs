//! How each plain Arrow column becomes a FITS BINTABLE column (FITS 4.0 §7.3): its TFORM,
//! TZERO and TNULL, what the spool pass must learn first (string widths, array lengths, heap
//! size, which integers are free for TNULL), and the big-endian bytes of its cells.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, BooleanArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;

use crate::FormatError;

/// The FITS type of one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    /// `L`: `T`, `F`, or 0 for null.
    Logical,
    /// `B`: unsigned 8-bit.
    Byte,
    /// `I`: 16-bit.
    Short,
    /// `J`: 32-bit.
    Int,
    /// `K`: 64-bit.
    Long,
    /// `E`: IEEE single.
    Float,
    /// `D`: IEEE double.
    Double,
    /// `A`: one character.
    Char,
}

impl Element {
    fn code(self) -> char {
        match self {
            Element::Logical => 'L',
            Element::Byte => 'B',
            Element::Short => 'I',
            Element::Int => 'J',
            Element::Long => 'K',
            Element::Float => 'E',
            Element::Double => 'D',
            Element::Char => 'A',
        }
    }

    pub(crate) fn size(self) -> usize {
        match self {
            Element::Logical | Element::Byte | Element::Char => 1,
            Element::Short => 2,
            Element::Int | Element::Float => 4,
            Element::Long | Element::Double => 8,
        }
    }

    fn is_integer(self) -> bool {
        matches!(self, Element::Byte | Element::Short | Element::Int | Element::Long)
    }

    /// Smallest and largest stored integer.
    fn stored_range(self) -> (i128, i128) {
        match self {
            Element::Byte => (0, 255),
            Element::Short => (i16::MIN.into(), i16::MAX.into()),
            Element::Int => (i32::MIN.into(), i32::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        }
    }
}

/// How many elements a cell has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Fixed(usize),
    /// Elements in the heap, a descriptor in the row.
    Variable,
    /// A string: width decided from the longest value.
    Text,
}

/// What the spool pass learns about a column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    /// Longest string (bytes) or variable array (elements).
    max_len: usize,
    /// Heap bytes of the column.
    pub(crate) heap_bytes: u64,
    /// Whether an integer cell or element is null (then TNULL is needed).
    int_nulls: bool,
    /// Smallest and largest stored integer seen.
    stored: Option<(i128, i128)>,
}

/// A column of the BINTABLE.
#[derive(Debug, Clone)]
pub(crate) struct ColumnPlan {
    pub(crate) name: String,
    element: Element,
    shape: Shape,
    /// TZERO: unsigned integers are stored shifted into the signed range (FITS §7.3.2).
    pub(crate) zero: i128,
    pub(crate) stats: Stats,
    /// TNULL, once [`finalize`](Self::finalize) chose it.
    pub(crate) null: Option<i64>,
    /// Whether descriptors are 64-bit (`Q`) rather than 32-bit (`P`).
    wide_descriptors: bool,
}

impl ColumnPlan {
    /// The plan for a column of plain Arrow type `data_type`.
    pub(crate) fn new(name: &str, data_type: &DataType) -> Result<ColumnPlan, FormatError> {
        let (element, zero) = match data_type {
            DataType::Utf8 | DataType::LargeUtf8 => (Element::Char, 0),
            DataType::Binary | DataType::LargeBinary | DataType::FixedSizeBinary(_) => (Element::Byte, 0),
            DataType::FixedSizeList(item, _) | DataType::List(item) | DataType::LargeList(item) => {
                scalar_element(item.data_type())
                    .ok_or_else(|| FormatError::unsupported(name, format!("FITS cannot hold {data_type} cells")))?
            }
            other => scalar_element(other)
                .ok_or_else(|| FormatError::unsupported(name, format!("FITS cannot hold {other} cells")))?,
        };
        let shape = match data_type {
            DataType::Utf8 | DataType::LargeUtf8 => Shape::Text,
            DataType::FixedSizeBinary(n) | DataType::FixedSizeList(_, n) => Shape::Fixed(*n as usize),
            DataType::Binary | DataType::LargeBinary | DataType::List(_) | DataType::LargeList(_) => Shape::Variable,
            _ => Shape::Scalar,
        };
        Ok(ColumnPlan {
            name: name.to_string(),
            element,
            shape,
            zero,
            stats: Stats::default(),
            null: None,
            wide_descriptors: false,
        })
    }

    /// Learns from the cells of one batch.
    pub(crate) fn observe(&mut self, array: &ArrayRef) -> Result<(), FormatError> {
        let cells = Cells::new(array)?;
        let stats = &mut self.stats;
        for row in 0..array.len() {
            let null = cells.is_null(row);
            match &cells.kind {
                CellsKind::Text(_) => {
                    if !null {
                        let text = cells.text(row);
                        // Written one byte per character (see `write_ascii`).
                        let len =
                            if text.is_ascii() { text.len() } else { String::from_utf8_lossy(text).chars().count() };
                        stats.max_len = stats.max_len.max(len);
                    }
                }
                CellsKind::Bytes(_) => {
                    let len = if null { 0 } else { cells.bytes(row).len() };
                    stats.max_len = stats.max_len.max(len);
                    if self.shape == Shape::Variable {
                        stats.heap_bytes += len as u64;
                    }
                }
                CellsKind::Elements(elements, layout) => {
                    let range = layout.range(row);
                    if self.shape == Shape::Variable {
                        let len = if null { 0 } else { range.len() };
                        stats.max_len = stats.max_len.max(len);
                        stats.heap_bytes += (len * self.element.size()) as u64;
                    }
                    if !self.element.is_integer() {
                        continue;
                    }
                    if null {
                        // A null variable array is written empty; a null fixed cell needs TNULL.
                        stats.int_nulls |= self.shape != Shape::Variable;
                        continue;
                    }
                    for i in range {
                        match elements.integer(i) {
                            None => stats.int_nulls = true,
                            Some(value) => {
                                let stored = value - self.zero;
                                stats.stored = Some(match stats.stored {
                                    None => (stored, stored),
                                    Some((lo, hi)) => (lo.min(stored), hi.max(stored)),
                                });
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Uses 64-bit (`Q`) descriptors, for heaps beyond 2^31 bytes.
    pub(crate) fn use_wide_descriptors(&mut self) {
        self.wide_descriptors = true;
    }

    /// Chooses TNULL (an extreme value that no cell uses) once all rows have been observed,
    /// widening the column when every value of its type is in use.
    pub(crate) fn finalize(&mut self) -> Result<(), FormatError> {
        if !(self.element.is_integer() && self.stats.int_nulls) {
            return Ok(());
        }
        if self.zero != 0 {
            // TNULL is a stored value (FITS §7.3.2), but astropy compares it with the value after
            // TZERO: nullable unsigned columns are stored without TZERO when they can be, in the
            // same type if the values allow, else in the next wider one.
            let (_, signed_max) = self.element.stored_range();
            let largest = self.stats.stored.map_or(0, |(_, hi)| hi + self.zero);
            let wider = match self.element {
                _ if largest <= signed_max => Some(self.element),
                Element::Short => Some(Element::Int),
                Element::Int => Some(Element::Long),
                _ => None,
            };
            if let Some(element) = wider {
                self.widen(element);
            }
        }
        loop {
            let (min, max) = self.element.stored_range();
            // Unsigned columns prefer the largest value (0 is common), signed ones the smallest.
            let candidates = if self.zero != 0 || self.element == Element::Byte { [max, min] } else { [min, max] };
            let free = |c: i128| self.stats.stored.is_none_or(|(lo, hi)| c < lo || c > hi);
            if let Some(chosen) = candidates.into_iter().find(|&c| free(c)) {
                self.null = Some(chosen as i64);
                return Ok(());
            }
            // Every value of the type is possible: store the column in the next wider type.
            let wider = match self.element {
                Element::Byte => Element::Short,
                Element::Short => Element::Int,
                Element::Int => Element::Long,
                _ => {
                    return Err(FormatError::unsupported(
                        &self.name,
                        "the column has nulls but uses both extreme 64-bit values, so no TNULL is free",
                    ));
                }
            };
            self.widen(wider);
        }
    }

    /// Stores the column as `element` without TZERO (only called for a type that holds every
    /// value seen).
    fn widen(&mut self, element: Element) {
        let old_size = self.element.size() as u64;
        let shift = self.zero;
        self.element = element;
        self.zero = 0;
        self.stats.stored = self.stats.stored.map(|(lo, hi)| (lo + shift, hi + shift));
        self.stats.heap_bytes = self.stats.heap_bytes / old_size * element.size() as u64;
    }

    /// Bytes of a cell in the row.
    pub(crate) fn width(&self) -> usize {
        match self.shape {
            Shape::Scalar => self.element.size(),
            Shape::Fixed(n) => n * self.element.size(),
            Shape::Variable if self.wide_descriptors => 16,
            Shape::Variable => 8,
            Shape::Text => self.stats.max_len.max(1),
        }
    }

    /// Whether the cells live in the heap.
    pub(crate) fn is_variable(&self) -> bool {
        self.shape == Shape::Variable
    }

    /// The TFORM value.
    pub(crate) fn tform(&self) -> String {
        let code = self.element.code();
        match self.shape {
            Shape::Scalar => format!("1{code}"),
            Shape::Fixed(n) => format!("{n}{code}"),
            Shape::Text => format!("{}A", self.width()),
            Shape::Variable => {
                let descriptor = if self.wide_descriptors { 'Q' } else { 'P' };
                format!("1{descriptor}{code}({})", self.stats.max_len)
            }
        }
    }

    /// Writes the row part of the cell in `row` into `dst` (exactly [`width`](Self::width)
    /// bytes). Variable cells get a descriptor pointing at `heap_offset`, which advances by the
    /// bytes [`write_heap`](Self::write_heap) will write for the cell.
    pub(crate) fn write_cell(&self, cells: &Cells, row: usize, dst: &mut [u8], heap_offset: &mut u64) {
        let null = cells.is_null(row);
        match (&cells.kind, self.shape) {
            (CellsKind::Text(_), _) => {
                dst.fill(0);
                if !null {
                    write_ascii(cells.text(row), dst);
                }
            }
            (CellsKind::Bytes(_), Shape::Fixed(_)) => {
                dst.fill(0);
                if !null {
                    let bytes = cells.bytes(row);
                    dst[..bytes.len()].copy_from_slice(bytes);
                }
            }
            (CellsKind::Bytes(_), _) => {
                let len = if null { 0 } else { cells.bytes(row).len() };
                self.write_descriptor(dst, len, heap_offset);
            }
            (CellsKind::Elements(_, layout), Shape::Variable) => {
                let len = if null { 0 } else { layout.range(row).len() };
                self.write_descriptor(dst, len, heap_offset);
            }
            (CellsKind::Elements(elements, layout), _) => {
                let size = self.element.size();
                for (slot, i) in dst.chunks_exact_mut(size).zip(layout.range(row)) {
                    self.write_element(elements, i, null, slot);
                }
            }
        }
    }

    fn write_descriptor(&self, dst: &mut [u8], len: usize, heap_offset: &mut u64) {
        if self.wide_descriptors {
            dst[..8].copy_from_slice(&(len as i64).to_be_bytes());
            dst[8..16].copy_from_slice(&(*heap_offset as i64).to_be_bytes());
        } else {
            dst[..4].copy_from_slice(&(len as i32).to_be_bytes());
            dst[4..8].copy_from_slice(&(*heap_offset as i32).to_be_bytes());
        }
        *heap_offset += (len * self.element.size()) as u64;
    }

    /// Appends the heap bytes of the cell in `row` (nothing for non-variable columns).
    pub(crate) fn write_heap(&self, cells: &Cells, row: usize, heap: &mut Vec<u8>) {
        if self.shape != Shape::Variable || cells.is_null(row) {
            return;
        }
        match &cells.kind {
            CellsKind::Bytes(_) => heap.extend_from_slice(cells.bytes(row)),
            CellsKind::Elements(elements, layout) => {
                let size = self.element.size();
                for i in layout.range(row) {
                    let start = heap.len();
                    heap.resize(start + size, 0);
                    self.write_element(elements, i, false, &mut heap[start..]);
                }
            }
            CellsKind::Text(_) => {}
        }
    }

    /// Writes element `i` (or the null fill when `cell_null` or the element is null).
    fn write_element(&self, elements: &ElementArray, i: usize, cell_null: bool, dst: &mut [u8]) {
        let null = cell_null || elements.is_null(i);
        match self.element {
            Element::Logical => {
                dst[0] = if null {
                    0
                } else if elements.boolean(i) {
                    b'T'
                } else {
                    b'F'
                }
            }
            Element::Float => {
                let v = if null { f32::NAN } else { elements.float(i) as f32 };
                dst.copy_from_slice(&v.to_be_bytes());
            }
            Element::Double => {
                let v = if null { f64::NAN } else { elements.float(i) };
                dst.copy_from_slice(&v.to_be_bytes());
            }
            _ => {
                let stored = match (null, elements.integer(i)) {
                    (false, Some(v)) => v - self.zero,
                    _ => self.null.map(i128::from).unwrap_or(0),
                };
                let bytes = stored.to_be_bytes();
                dst.copy_from_slice(&bytes[16 - dst.len()..]);
            }
        }
    }
}

/// FITS character fields hold printable ASCII only (FITS 4.0 §7.3.3.1): other characters,
/// including tabs and line breaks, are written as one `?` each.
fn write_ascii(text: &[u8], dst: &mut [u8]) {
    if text.is_ascii() {
        for (slot, &b) in dst.iter_mut().zip(text) {
            *slot = if (0x20..0x7f).contains(&b) { b } else { b'?' };
        }
    } else {
        for (slot, c) in dst.iter_mut().zip(String::from_utf8_lossy(text).chars()) {
            *slot = if (' '..='~').contains(&c) { c as u8 } else { b'?' };
        }
    }
}

/// The FITS element and TZERO of a scalar plain type.
fn scalar_element(data_type: &DataType) -> Option<(Element, i128)> {
    Some(match data_type {
        DataType::Boolean => (Element::Logical, 0),
        DataType::Int8 | DataType::Int16 => (Element::Short, 0),
        DataType::Int32 => (Element::Int, 0),
        DataType::Int64 => (Element::Long, 0),
        DataType::UInt8 => (Element::Byte, 0),
        DataType::UInt16 => (Element::Short, 1 << 15),
        DataType::UInt32 => (Element::Int, 1 << 31),
        DataType::UInt64 => (Element::Long, 1 << 63),
        DataType::Float32 => (Element::Float, 0),
        DataType::Float64 => (Element::Double, 0),
        _ => return None,
    })
}

/// Elements of a primitive array.
pub(crate) enum Elements<'a> {
    Bool(&'a BooleanArray),
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// Elements with their null mask.
pub(crate) struct ElementArray<'a> {
    values: Elements<'a>,
    nulls: Option<&'a NullBuffer>,
}

impl<'a> ElementArray<'a> {
    fn new(array: &'a dyn Array) -> Option<Self> {
        let values = match array.data_type() {
            DataType::Boolean => Elements::Bool(array.as_boolean()),
            DataType::Int8 => Elements::I8(array.as_primitive::<Int8Type>().values()),
            DataType::Int16 => Elements::I16(array.as_primitive::<Int16Type>().values()),
            DataType::Int32 => Elements::I32(array.as_primitive::<Int32Type>().values()),
            DataType::Int64 => Elements::I64(array.as_primitive::<Int64Type>().values()),
            DataType::UInt8 => Elements::U8(array.as_primitive::<UInt8Type>().values()),
            DataType::UInt16 => Elements::U16(array.as_primitive::<UInt16Type>().values()),
            DataType::UInt32 => Elements::U32(array.as_primitive::<UInt32Type>().values()),
            DataType::UInt64 => Elements::U64(array.as_primitive::<UInt64Type>().values()),
            DataType::Float32 => Elements::F32(array.as_primitive::<Float32Type>().values()),
            DataType::Float64 => Elements::F64(array.as_primitive::<Float64Type>().values()),
            _ => return None,
        };
        Some(ElementArray { values, nulls: array.nulls() })
    }

    fn is_null(&self, i: usize) -> bool {
        self.nulls.is_some_and(|n| n.is_null(i))
    }

    /// An integer element, or `None` when null (or not an integer).
    fn integer(&self, i: usize) -> Option<i128> {
        if self.is_null(i) {
            return None;
        }
        Some(match self.values {
            Elements::I8(v) => v[i].into(),
            Elements::I16(v) => v[i].into(),
            Elements::I32(v) => v[i].into(),
            Elements::I64(v) => v[i].into(),
            Elements::U8(v) => v[i].into(),
            Elements::U16(v) => v[i].into(),
            Elements::U32(v) => v[i].into(),
            Elements::U64(v) => v[i].into(),
            _ => return None,
        })
    }

    fn float(&self, i: usize) -> f64 {
        match self.values {
            Elements::F32(v) => v[i] as f64,
            Elements::F64(v) => v[i],
            _ => f64::NAN,
        }
    }

    fn boolean(&self, i: usize) -> bool {
        matches!(self.values, Elements::Bool(b) if b.value(i))
    }
}

/// Which elements belong to a cell.
pub(crate) enum Layout<'a> {
    Scalar,
    Fixed(usize, usize),
    Offsets32(&'a [i32]),
    Offsets64(&'a [i64]),
}

impl Layout<'_> {
    fn range(&self, row: usize) -> std::ops::Range<usize> {
        match self {
            Layout::Scalar => row..row + 1,
            Layout::Fixed(start, n) => start + row * n..start + (row + 1) * n,
            Layout::Offsets32(o) => o[row] as usize..o[row + 1] as usize,
            Layout::Offsets64(o) => o[row] as usize..o[row + 1] as usize,
        }
    }
}

pub(crate) enum CellsKind<'a> {
    Text(&'a dyn Array),
    Bytes(&'a dyn Array),
    Elements(ElementArray<'a>, Layout<'a>),
}

/// The cells of one column of one batch, ready to be written.
pub(crate) struct Cells<'a> {
    kind: CellsKind<'a>,
    nulls: Option<&'a NullBuffer>,
}

impl<'a> Cells<'a> {
    pub(crate) fn new(array: &'a ArrayRef) -> Result<Cells<'a>, FormatError> {
        let unexpected = || FormatError::Usage(format!("the FITS spool holds an unexpected {}", array.data_type()));
        let kind = match array.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => CellsKind::Text(array.as_ref()),
            DataType::Binary | DataType::LargeBinary | DataType::FixedSizeBinary(_) => CellsKind::Bytes(array.as_ref()),
            DataType::FixedSizeList(_, n) => {
                let list = array.as_fixed_size_list();
                let elements = ElementArray::new(list.values().as_ref()).ok_or_else(unexpected)?;
                let start = if list.is_empty() { 0 } else { list.value_offset(0) as usize };
                CellsKind::Elements(elements, Layout::Fixed(start, *n as usize))
            }
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let elements = ElementArray::new(list.values().as_ref()).ok_or_else(unexpected)?;
                CellsKind::Elements(elements, Layout::Offsets32(list.value_offsets()))
            }
            DataType::LargeList(_) => {
                let list = array.as_list::<i64>();
                let elements = ElementArray::new(list.values().as_ref()).ok_or_else(unexpected)?;
                CellsKind::Elements(elements, Layout::Offsets64(list.value_offsets()))
            }
            _ => CellsKind::Elements(ElementArray::new(array.as_ref()).ok_or_else(unexpected)?, Layout::Scalar),
        };
        Ok(Cells { kind, nulls: array.nulls() })
    }

    fn is_null(&self, row: usize) -> bool {
        self.nulls.is_some_and(|n| n.is_null(row))
    }

    fn text(&self, row: usize) -> &[u8] {
        match &self.kind {
            CellsKind::Text(a) => match a.data_type() {
                DataType::Utf8 => a.as_string::<i32>().value(row).as_bytes(),
                _ => a.as_string::<i64>().value(row).as_bytes(),
            },
            _ => &[],
        }
    }

    fn bytes(&self, row: usize) -> &[u8] {
        match &self.kind {
            CellsKind::Bytes(a) => match a.data_type() {
                DataType::Binary => a.as_binary::<i32>().value(row),
                DataType::LargeBinary => a.as_binary::<i64>().value(row),
                _ => a.as_fixed_size_binary().value(row),
            },
            _ => &[],
        }
    }
}
