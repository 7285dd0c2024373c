//! Bad TABLEDATA values collected by a reader instead of ending the read, for validation.

use crate::error::Error;

/// How many bad values [`ValueErrors`] lists; the rest are only counted.
const LISTED_VALUE_ERRORS: usize = 100;

/// Bad TABLEDATA values met by a reader that collects them (see
/// [`VotableReader::collecting_value_errors`](super::VotableReader::collecting_value_errors)): the first [`LISTED_VALUE_ERRORS`] with their
/// positions, and how many more there were.
#[derive(Debug, Default)]
pub(crate) struct ValueErrors {
    pub(crate) listed: Vec<Error>,
    pub(crate) unlisted: u64,
}

impl ValueErrors {
    pub(crate) fn push(&mut self, error: Error) {
        if self.listed.len() < LISTED_VALUE_ERRORS {
            self.listed.push(error);
        } else {
            self.unlisted += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;

    use crate::reader::VotableReader;

    /// A reader collecting bad values makes them null cells and keeps every good one, in both
    /// the fast path (plain rows) and the event path (a row with an attribute).
    #[test]
    fn bad_values_become_null_cells_when_collected() {
        let xml = r#"<VOTABLE version="1.5"><RESOURCE><TABLE>
<FIELD name="a" datatype="int" arraysize="3"/><FIELD name="b" datatype="int"/>
<DATA><TABLEDATA>
<TR><TD>1 2 3</TD><TD>10</TD></TR>
<TR><TD>4 x 6</TD><TD>20</TD></TR>
<TR ID="r3"><TD>7 8 9 10</TD><TD>z</TD></TR>
<TR><TD>11 12 13</TD></TR>
</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>"#;
        let mut reader = VotableReader::new(xml.as_bytes()).unwrap().collecting_value_errors();
        let batch = reader.next().unwrap().unwrap();
        assert!(reader.next().is_none());
        assert_eq!(batch.num_rows(), 4);
        let a = batch.column(0).as_fixed_size_list();
        let b = batch.column(1).as_primitive::<Int32Type>();
        assert_eq!(a.value(0).as_primitive::<Int32Type>().values().to_vec(), [1, 2, 3]);
        assert!(a.is_null(1) && a.is_null(2), "bad arrays are null cells");
        assert_eq!(a.value(3).as_primitive::<Int32Type>().values().to_vec(), [11, 12, 13]);
        assert_eq!((b.value(0), b.value(1)), (10, 20));
        assert!(b.is_null(2) && b.is_null(3), "a bad value and a missing cell are nulls");
        let errors = reader.take_value_errors();
        let lines: Vec<u64> = errors.listed.iter().map(|e| e.position().unwrap().line).collect();
        assert_eq!(lines, [5, 6, 6, 7]);
        assert_eq!(errors.unlisted, 0);
    }
}
