//! The streaming reader: any `BufRead` in, Arrow record batches out.
//!
//! The header (everything before the first table's DATA) is parsed by [`VotableReader::new`];
//! rows are decoded batch by batch as the iterator is advanced, so memory does not grow with the
//! number of rows. After the data, the rest of the document is parsed (other tables' metadata,
//! trailing INFOs such as `QUERY_STATUS` = `OVERFLOW`); other tables' data is skipped.
//!
//! ```
//! use vo_votable::reader::VotableReader;
//! let xml = r#"<VOTABLE version="1.5" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
//!   <RESOURCE type="results"><TABLE>
//!     <FIELD name="id" datatype="int"/><FIELD name="name" datatype="char" arraysize="*"/>
//!     <DATA><TABLEDATA><TR><TD>1</TD><TD>Vega</TD></TR><TR><TD/><TD>Deneb</TD></TR></TABLEDATA></DATA>
//!   </TABLE><INFO name="QUERY_STATUS" value="OVERFLOW"/></RESOURCE></VOTABLE>"#;
//! let mut reader = VotableReader::new(xml.as_bytes()).unwrap();
//! assert_eq!(reader.schema().field(1).name(), "name");
//! let batch = reader.next().unwrap().unwrap();
//! assert_eq!(batch.num_rows(), 2);
//! assert!(reader.next().is_none());
//! assert_eq!(reader.trailing_infos()[0].value, "OVERFLOW");
//! ```

mod binary;
mod builders;
mod fast_tabledata;
mod fixed_rows;
mod header;
mod source;
mod tabledata;
mod value_errors;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Schema, SchemaRef};
use quick_xml::events::{BytesStart, Event};

use crate::convert::schema_from_fields;
use crate::error::{Error, Position, Result};
use crate::layout::CellLayout;
use crate::model::{Info, Link, Values, VoTable};

use binary::{Base64State, ByteBuffer, ExternalStream, Fill, InlineBase64};
use builders::ColumnBuilder;
use header::{Attributes, HeaderBuilder, Outcome, check_doctype, resolve_reference};
use source::LineCounter;
pub(crate) use value_errors::ValueErrors;

pub(crate) use header::is_votable_namespace;

/// Default number of rows per record batch.
pub const DEFAULT_BATCH_SIZE: usize = 8192;

/// Where the reader is in the document.
enum State {
    /// Inside `<TABLEDATA>`.
    TableData,
    /// Inside an inline base64 `<STREAM>` (BINARY2 when `flags`).
    InlineBinary { flags: bool },
    /// Reading a STREAM referenced by `href`.
    ExternalBinary { flags: bool, stream: Box<ExternalStream> },
    /// No more rows.
    Done,
}

/// Reads a VOTable document, yielding the first table's rows as record batches.
pub struct VotableReader<R: BufRead> {
    xml: quick_xml::Reader<LineCounter<R>>,
    event_buffer: Vec<u8>,
    header: HeaderBuilder,
    document: VoTable,
    schema: SchemaRef,
    layouts: Vec<CellLayout>,
    builders: Vec<ColumnBuilder>,
    batch_size: usize,
    state: State,
    /// Where `STREAM href`s may be read from: `None` refuses them (see [`VotableReader::new`]).
    external: Option<ExternalFiles>,
    bytes: ByteBuffer,
    base64: Base64State,
    cell_text: String,
    /// Cell byte ranges of the row being scanned by the TABLEDATA fast path.
    cell_ranges: Vec<Option<(usize, usize)>>,
    /// Whether the last XML event was a tag (not text), which the TABLEDATA fast path needs.
    after_tag: bool,
    /// Bad TABLEDATA values, when they are collected rather than ending the read.
    value_errors: Option<ValueErrors>,
}

/// What a header event led to.
enum Step {
    Continue,
    Data { empty: bool },
    Eof,
}

/// Local files a document's `STREAM href`s may name, relative ones resolved against `base_dir`.
#[derive(Debug, Clone, Default)]
struct ExternalFiles {
    base_dir: Option<PathBuf>,
}

impl VotableReader<BufReader<File>> {
    /// Opens a file; relative `STREAM href`s are resolved against its directory.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path)?;
        let base = path.parent().map(Path::to_path_buf);
        Self::with_base_dir(BufReader::with_capacity(256 * 1024, file), base)
    }
}

impl<R: BufRead> VotableReader<R> {
    /// Parses the header, up to the data of the first table that has some.
    ///
    /// A document read this way may come from anyone (an upload, a request body), so its
    /// `STREAM href`s are refused: following them would let the sender read the reader's files.
    /// Use [`with_base_dir`](Self::with_base_dir) or [`from_path`](VotableReader::from_path) for
    /// documents you trust.
    pub fn new(input: R) -> Result<Self> {
        Self::open(input, None)
    }

    /// Like [`new`](Self::new), for a trusted document whose `STREAM href`s name local files
    /// (`file:` URLs or paths, relative ones resolved against `base_dir`).
    pub fn with_base_dir(input: R, base_dir: Option<PathBuf>) -> Result<Self> {
        Self::open(input, Some(ExternalFiles { base_dir }))
    }

    fn open(input: R, external: Option<ExternalFiles>) -> Result<Self> {
        let mut xml = quick_xml::Reader::from_reader(LineCounter::new(input));
        xml.config_mut().check_end_names = true;
        let mut reader = VotableReader {
            xml,
            event_buffer: Vec::with_capacity(1024),
            header: HeaderBuilder::default(),
            document: VoTable::default(),
            schema: Arc::new(Schema::empty()),
            layouts: Vec::new(),
            builders: Vec::new(),
            batch_size: DEFAULT_BATCH_SIZE,
            state: State::Done,
            external,
            bytes: ByteBuffer::default(),
            base64: Base64State::default(),
            cell_text: String::new(),
            cell_ranges: Vec::new(),
            after_tag: true,
            value_errors: None,
        };
        loop {
            match reader.header_event()? {
                Step::Continue => continue,
                Step::Eof => {
                    reader.document = reader.header.take_finished().unwrap_or_default();
                    if let Some(table) = reader.document.first_table() {
                        reader.set_columns(&table.fields.clone())?;
                    }
                    return Ok(reader);
                }
                Step::Data { empty } => {
                    let fields = reader.header.current_table().map(|t| t.fields.clone()).unwrap_or_default();
                    reader.set_columns(&fields)?;
                    reader.document = reader.header.snapshot();
                    if empty {
                        reader.finish_document()?;
                    } else {
                        reader.start_data()?;
                    }
                    return Ok(reader);
                }
            }
        }
    }

    /// Makes bad TABLEDATA values (a cell that does not parse as its FIELD's datatype, a row
    /// with too few or too many cells) null cells instead of errors, kept for
    /// [`Self::take_value_errors`]: validation reports every bad value, not only the first. XML
    /// faults and binary data errors still end the read, since the position is lost after them.
    pub(crate) fn collecting_value_errors(mut self) -> Self {
        self.value_errors = Some(ValueErrors::default());
        self
    }

    /// The bad values met so far (see [`Self::collecting_value_errors`]).
    pub(crate) fn take_value_errors(&mut self) -> ValueErrors {
        self.value_errors.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Sets the number of rows per batch (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The document as parsed so far: the header before the data is consumed, the whole document
    /// (metadata of every table, trailing INFOs) once the iterator has returned `None`.
    pub fn document(&self) -> &VoTable {
        &self.document
    }

    /// The Arrow schema of the streamed table (empty when the document has no table).
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// INFOs after the streamed table's data: those inside the TABLE after DATA, then those in
    /// the RESOURCE after the TABLE (where `QUERY_STATUS` = `OVERFLOW` goes). Complete once the
    /// iterator has returned `None`.
    pub fn trailing_infos(&self) -> &[Info] {
        &self.header.streamed_trailing_infos
    }

    fn set_columns(&mut self, fields: &[crate::model::Field]) -> Result<()> {
        self.layouts = fields.iter().map(CellLayout::new).collect::<Result<Vec<_>>>()?;
        self.builders = self.layouts.iter().map(ColumnBuilder::new).collect();
        self.schema = Arc::new(schema_from_fields(fields)?);
        Ok(())
    }

    fn here(&self) -> Position {
        self.xml.get_ref().position()
    }

    fn xml_error(&self, err: quick_xml::Error) -> Error {
        let position = self.xml.get_ref().position_of(self.xml.error_position());
        match err {
            quick_xml::Error::Io(io) => Error::Io(std::io::Error::new(io.kind(), io.to_string())),
            other => Error::xml(Some(position), other.to_string()),
        }
    }

    /// Feeds one event to the header builder.
    fn header_event(&mut self) -> Result<Step> {
        self.event_buffer.clear();
        let position = self.here();
        let event = match self.xml.read_event_into(&mut self.event_buffer) {
            Ok(e) => e,
            Err(err) => return Err(self.xml_error(err)),
        };
        let outcome = match event {
            Event::Start(e) => self.header.start(&e, false, position)?,
            Event::Empty(e) => {
                let is_data = e.local_name().as_ref() == "DATA";
                match self.header.start(&e, true, position)? {
                    Outcome::StreamedData if is_data => return Ok(Step::Data { empty: true }),
                    other => other,
                }
            }
            Event::End(e) => {
                self.header.end(e.name().as_ref(), position)?;
                Outcome::Continue
            }
            Event::Text(t) => {
                self.header.text(&t.xml10_content(), position)?;
                Outcome::Continue
            }
            Event::CData(t) => {
                self.header.text(&t.xml10_content(), position)?;
                Outcome::Continue
            }
            Event::GeneralRef(r) => {
                let c = resolve_reference(&r, position)?;
                self.header.text(c.encode_utf8(&mut [0u8; 4]), position)?;
                Outcome::Continue
            }
            Event::DocType(d) => {
                check_doctype(&d, position)?;
                Outcome::Continue
            }
            Event::Eof => {
                if self.header.finished().is_none() {
                    return Err(Error::xml(Some(position), "the document ends before </VOTABLE>"));
                }
                return Ok(Step::Eof);
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => Outcome::Continue,
        };
        match outcome {
            Outcome::Continue => Ok(Step::Continue),
            Outcome::StreamedData => Ok(Step::Data { empty: false }),
            Outcome::SkipStreamText => {
                self.skip_stream_text()?;
                Ok(Step::Continue)
            }
        }
    }

    /// Skips the text of a STREAM we do not read, without buffering it.
    fn skip_stream_text(&mut self) -> Result<()> {
        let mut stream = self.xml.stream();
        loop {
            let data = stream.fill_buf()?;
            if data.is_empty() {
                return Ok(());
            }
            match memchr::memchr(b'<', data) {
                Some(end) => {
                    stream.consume(end);
                    return Ok(());
                }
                None => {
                    let n = data.len();
                    stream.consume(n);
                }
            }
        }
    }

    /// The next start (or empty) tag inside DATA, skipping whitespace and comments.
    fn next_data_tag(&mut self) -> Result<(String, Attributes, bool, Position)> {
        loop {
            self.event_buffer.clear();
            let position = self.here();
            let event = match self.xml.read_event_into(&mut self.event_buffer) {
                Ok(e) => e,
                Err(err) => return Err(self.xml_error(err)),
            };
            let (e, empty): (BytesStart<'_>, bool) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::Text(t) if t.trim().is_empty() => continue,
                Event::Comment(_) => continue,
                Event::Eof => return Err(Error::xml(Some(position), "the document ends inside DATA")),
                other => {
                    return Err(Error::invalid(
                        Some(position),
                        format!("unexpected {other:?} where table data should start"),
                    ));
                }
            };
            let attributes = Attributes::parse(&e, position)?;
            return Ok((e.local_name().as_ref().to_string(), attributes, empty, position));
        }
    }

    /// Reads the serialization element and STREAM, choosing the data state.
    fn start_data(&mut self) -> Result<()> {
        let (name, _, empty, position) = self.next_data_tag()?;
        let flags = match name.as_str() {
            "TABLEDATA" => {
                self.state = State::TableData;
                if empty {
                    self.state = State::Done;
                    self.finish_document()?;
                }
                return Ok(());
            }
            "BINARY" => false,
            "BINARY2" => true,
            "FITS" => {
                return Err(Error::Unsupported {
                    position: Some(position),
                    message: "FITS serialization is not supported; ask the service for BINARY2 or TABLEDATA".into(),
                });
            }
            other => return Err(Error::invalid(Some(position), format!("unknown serialization <{other}> in DATA"))),
        };
        if empty {
            return Err(Error::invalid(Some(position), format!("<{name}/> has no STREAM")));
        }
        let (stream, attributes, stream_empty, position) = self.next_data_tag()?;
        if stream != "STREAM" {
            return Err(Error::invalid(Some(position), format!("expected <STREAM> in <{name}>, found <{stream}>")));
        }
        let encoding = attributes.get("encoding").unwrap_or("none").to_string();
        if let Some(href) = attributes.get("href") {
            let input = self.open_href(href, position)?;
            let base64 = match encoding.as_str() {
                "none" => None,
                "base64" => Some(Base64State::default()),
                other => {
                    return Err(Error::Unsupported {
                        position: Some(position),
                        message: format!("STREAM encoding=\"{other}\" (only none and base64 are read)"),
                    });
                }
            };
            if !stream_empty {
                self.skip_stream_text()?;
            }
            self.state = State::ExternalBinary {
                flags,
                stream: Box::new(ExternalStream { input, base64, href: href.to_string() }),
            };
            return Ok(());
        }
        if encoding != "base64" {
            return Err(Error::Unsupported {
                position: Some(position),
                message: format!("inline STREAM with encoding=\"{encoding}\" (inline binary data must be base64)"),
            });
        }
        self.base64 = Base64State::default();
        self.state = if stream_empty { State::Done } else { State::InlineBinary { flags } };
        if stream_empty {
            self.close_binary_elements()?;
            self.finish_document()?;
        }
        Ok(())
    }

    fn open_href(&self, href: &str, position: Position) -> Result<Box<dyn BufRead + Send>> {
        let Some(external) = &self.external else {
            return Err(Error::Unsupported {
                position: Some(position),
                message: format!(
                    "STREAM href=\"{href}\": external data is not read from this document (only from files opened by path)"
                ),
            });
        };
        let path = if let Some(rest) = href.strip_prefix("file://") {
            PathBuf::from(rest)
        } else if let Some(rest) = href.strip_prefix("file:") {
            PathBuf::from(rest)
        } else if href.contains("://") {
            return Err(Error::Unsupported {
                position: Some(position),
                message: format!("STREAM href=\"{href}\": only file: URLs are read; fetch the data and pass a path"),
            });
        } else {
            PathBuf::from(href)
        };
        let path = match (&external.base_dir, path.is_relative()) {
            (Some(base), true) => base.join(path),
            _ => path,
        };
        let file = File::open(&path).map_err(|e| {
            Error::invalid(Some(position), format!("cannot open STREAM href=\"{href}\" ({}): {e}", path.display()))
        })?;
        Ok(Box::new(BufReader::with_capacity(256 * 1024, file)))
    }

    /// Consumes `</STREAM>` and `</BINARY>`/`</BINARY2>` after binary data.
    fn close_binary_elements(&mut self) -> Result<()> {
        loop {
            self.event_buffer.clear();
            let position = self.here();
            match self.xml.read_event_into(&mut self.event_buffer) {
                Ok(Event::End(e)) if matches!(e.local_name().as_ref(), "BINARY" | "BINARY2") => return Ok(()),
                Ok(Event::End(_) | Event::Text(_) | Event::Comment(_)) => continue,
                Ok(Event::Eof) => return Err(Error::xml(Some(position), "the document ends inside DATA")),
                Ok(other) => {
                    return Err(Error::invalid(
                        Some(position),
                        format!("unexpected {other:?} after the binary STREAM"),
                    ));
                }
                Err(err) => return Err(self.xml_error(err)),
            }
        }
    }

    /// Parses the rest of the document after the data.
    fn finish_document(&mut self) -> Result<()> {
        self.state = State::Done;
        loop {
            if let Step::Eof = self.header_event()? {
                break;
            }
        }
        if let Some(doc) = self.header.take_finished() {
            self.document = doc;
        }
        Ok(())
    }

    fn finish_batch(&mut self, rows: usize) -> Result<RecordBatch> {
        let columns = self.builders.iter_mut().map(ColumnBuilder::finish).collect::<Result<Vec<_>>>()?;
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), columns, &options)?)
    }

    fn read_batch(&mut self) -> Result<Option<RecordBatch>> {
        let (rows, ended) = match &mut self.state {
            State::Done => return Ok(None),
            State::TableData => self.read_tabledata_rows()?,
            State::InlineBinary { flags } => {
                let flags = *flags;
                let mut fill = InlineBase64 { input: self.xml.stream(), state: &mut self.base64 };
                read_binary_rows(&mut fill, &mut self.bytes, &mut self.builders, &self.layouts, flags, self.batch_size)?
            }
            State::ExternalBinary { flags, stream } => {
                let flags = *flags;
                read_binary_rows(
                    &mut **stream,
                    &mut self.bytes,
                    &mut self.builders,
                    &self.layouts,
                    flags,
                    self.batch_size,
                )?
            }
        };
        let batch = self.finish_batch(rows)?;
        if ended {
            if let State::InlineBinary { .. } | State::ExternalBinary { .. } = self.state {
                self.close_binary_elements()?;
            }
            self.finish_document()?;
        }
        Ok(if rows == 0 { None } else { Some(batch) })
    }

    /// Reads up to `batch_size` TR elements; returns (rows, data ended).
    fn read_tabledata_rows(&mut self) -> Result<(usize, bool)> {
        let mut rows = 0;
        while rows < self.batch_size {
            // After a Text event quick-xml has seen (but not consumed) the `<` of the next tag and
            // will skip it blindly: the fast path may only take over after a tag.
            if self.after_tag {
                rows += fast_tabledata::read_rows(
                    &mut self.xml,
                    &mut self.builders,
                    &self.layouts,
                    &mut self.cell_ranges,
                    self.value_errors.as_mut(),
                    self.batch_size - rows,
                )?;
                if rows == self.batch_size {
                    break;
                }
            }
            self.event_buffer.clear();
            // Positions are computed only for errors: an offset is all a row needs to keep.
            let offset = self.xml.get_ref().offset();
            let event = match self.xml.read_event_into(&mut self.event_buffer) {
                Ok(e) => e,
                Err(err) => return Err(self.xml_error(err)),
            };
            let position = || self.xml.get_ref().position_of(offset);
            self.after_tag = !matches!(event, Event::Text(_));
            match event {
                Event::Start(e) if e.local_name().as_ref() == "TR" => {
                    self.read_row(offset)?;
                    rows += 1;
                }
                Event::Empty(e) if e.local_name().as_ref() == "TR" => {
                    self.end_row(0, offset)?;
                    // Only a reader collecting bad values gets here with FIELDs: the row was
                    // filled with nulls.
                    if !self.layouts.is_empty() {
                        rows += 1;
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "TABLEDATA" => return Ok((rows, true)),
                Event::Text(_) | Event::Comment(_) => {}
                Event::Eof => return Err(Error::xml(Some(position()), "the document ends inside TABLEDATA")),
                other => {
                    return Err(Error::invalid(
                        Some(position()),
                        format!("unexpected {other:?} in TABLEDATA (expected TR)"),
                    ));
                }
            }
        }
        Ok((rows, false))
    }

    /// Checks a row's cell count at its end. When bad values are collected, a short row is
    /// completed with nulls (cells beyond the FIELDs were dropped as they came).
    fn end_row(&mut self, cells: usize, offset: u64) -> Result<()> {
        // A row with too many cells was refused, or reported, at the first cell too many.
        if cells >= self.layouts.len() {
            return Ok(());
        }
        let error = Error::invalid(
            Some(self.xml.get_ref().position_of(offset)),
            format!("row has {cells} cells but the table has {} FIELDs", self.layouts.len()),
        );
        let Some(errors) = self.value_errors.as_mut() else { return Err(error) };
        errors.push(error);
        for (builder, layout) in self.builders.iter_mut().zip(&self.layouts).skip(cells) {
            tabledata::decode_cell_or_null(builder, layout, "");
        }
        Ok(())
    }

    /// Reads the TDs of one TR (its start tag already consumed).
    fn read_row(&mut self, row_offset: u64) -> Result<()> {
        let mut column = 0;
        let mut in_cell = false;
        let mut cell_offset = row_offset;
        loop {
            self.event_buffer.clear();
            let offset = self.xml.get_ref().offset();
            let event = match self.xml.read_event_into(&mut self.event_buffer) {
                Ok(e) => e,
                Err(err) => return Err(self.xml_error(err)),
            };
            let position = || self.xml.get_ref().position_of(offset);
            match event {
                Event::Start(e) if e.local_name().as_ref() == "TD" && !in_cell => {
                    in_cell = true;
                    cell_offset = offset;
                    self.cell_text.clear();
                }
                Event::Empty(e) if e.local_name().as_ref() == "TD" && !in_cell => {
                    self.cell_text.clear();
                    self.decode_text_cell(column, offset)?;
                    column += 1;
                }
                Event::Text(t) if in_cell => self.cell_text.push_str(&t.xml10_content()),
                Event::CData(t) if in_cell => self.cell_text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if in_cell => {
                    let c = resolve_reference(&r, position())?;
                    self.cell_text.push(c);
                }
                Event::End(e) if e.local_name().as_ref() == "TD" => {
                    in_cell = false;
                    self.decode_text_cell(column, cell_offset)?;
                    column += 1;
                }
                Event::End(e) if e.local_name().as_ref() == "TR" => {
                    return self.end_row(column, row_offset);
                }
                Event::Text(_) | Event::Comment(_) => {}
                Event::GeneralRef(_) | Event::CData(_) => {}
                Event::Eof => return Err(Error::xml(Some(position()), "the document ends inside a TR")),
                other => {
                    return Err(Error::invalid(Some(position()), format!("unexpected {other:?} in TR (expected TD)")));
                }
            }
        }
    }

    fn decode_text_cell(&mut self, column: usize, offset: u64) -> Result<()> {
        // Positions are computed only for errors: finding a line costs a scan of recent lines.
        let position = || self.xml.get_ref().position_of(offset);
        let (Some(builder), Some(layout)) = (self.builders.get_mut(column), self.layouts.get(column)) else {
            let error = Error::invalid(
                Some(position()),
                format!("row has more cells than the table's {} FIELDs", self.layouts.len()),
            );
            return match self.value_errors.as_mut() {
                // Once per row: the first cell too many.
                Some(errors) if column == self.layouts.len() => {
                    errors.push(error);
                    Ok(())
                }
                Some(_) => Ok(()),
                None => Err(error),
            };
        };
        let value_error = |message| Error::Value { position: Some(position()), column: layout.name.clone(), message };
        match self.value_errors.as_mut() {
            Some(errors) => {
                if let Some(message) = tabledata::decode_cell_or_null(builder, layout, &self.cell_text) {
                    errors.push(value_error(message));
                }
                Ok(())
            }
            None => tabledata::decode_cell(builder, layout, &self.cell_text).map_err(value_error),
        }
    }
}

/// Decodes up to `batch_size` binary rows; returns (rows, stream ended).
fn read_binary_rows<F: Fill>(
    fill: &mut F,
    bytes: &mut ByteBuffer,
    builders: &mut [ColumnBuilder],
    layouts: &[CellLayout],
    flags: bool,
    batch_size: usize,
) -> Result<(usize, bool)> {
    let flag_len = if flags { layouts.len().div_ceil(8) } else { 0 };
    if let Some(widths) = layouts.iter().map(CellLayout::binary_width).collect::<Option<Vec<usize>>>() {
        return read_fixed_rows(fill, bytes, builders, layouts, &widths, flag_len, batch_size);
    }
    let mut flag_bytes = vec![0u8; flag_len];
    let mut rows = 0;
    while rows < batch_size {
        if bytes.at_end(fill)? {
            return Ok((rows, true));
        }
        if flags {
            flag_bytes.copy_from_slice(bytes.take(flag_len, fill, "(null flags)")?);
        }
        for (column, (builder, layout)) in builders.iter_mut().zip(layouts).enumerate() {
            let null = flags && flag_bytes[column / 8] & (0x80 >> (column % 8)) != 0;
            binary::decode_cell(builder, layout, bytes, fill, null)?;
        }
        rows += 1;
    }
    Ok((rows, false))
}

/// [`read_binary_rows`] for tables whose rows all have the same width: decodes every complete
/// row already in the buffer at once.
fn read_fixed_rows<F: Fill>(
    fill: &mut F,
    bytes: &mut ByteBuffer,
    builders: &mut [ColumnBuilder],
    layouts: &[CellLayout],
    widths: &[usize],
    flag_len: usize,
    batch_size: usize,
) -> Result<(usize, bool)> {
    let row_width = flag_len + widths.iter().sum::<usize>();
    if row_width == 0 {
        return Err(Error::invalid(fill.position(), "binary rows of zero bytes (a table without columns?)"));
    }
    let mut rows = 0;
    while rows < batch_size {
        if !bytes.ensure_available(row_width, fill)? {
            if bytes.available().is_empty() {
                return Ok((rows, true));
            }
            return Err(Error::invalid(fill.position(), "binary data ends in the middle of a row"));
        }
        let n = (bytes.available().len() / row_width).min(batch_size - rows);
        fixed_rows::decode_rows(builders, layouts, widths, flag_len, bytes.available(), n)
            .map_err(|m| Error::invalid(fill.position(), m))?;
        bytes.advance(n * row_width);
        rows += n;
    }
    Ok((rows, false))
}

impl<R: BufRead> Iterator for VotableReader<R> {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.read_batch() {
            Ok(Some(batch)) => Some(Ok(batch)),
            Ok(None) => None,
            Err(e) => {
                // After an error the position in the stream is unknown: stop.
                self.state = State::Done;
                Some(Err(e))
            }
        }
    }
}

/// Reads a whole (small) document: its model and all rows of its first table.
pub fn read_all<R: BufRead>(input: R) -> Result<(VoTable, Vec<RecordBatch>)> {
    let mut reader = VotableReader::new(input)?;
    let batches = reader.by_ref().collect::<Result<Vec<_>>>()?;
    Ok((reader.document, batches))
}

/// Parses a `<VALUES>` fragment (as kept in Arrow metadata).
pub(crate) fn parse_values_fragment(xml: &str) -> Result<Values> {
    let field = parse_fragment_field(xml)?;
    Ok(field.values.unwrap_or_default())
}

/// Parses `<LINK>` fragments (as kept in Arrow metadata).
pub(crate) fn parse_links_fragment(xml: &str) -> Result<Vec<Link>> {
    Ok(parse_fragment_field(xml)?.links)
}

/// Wraps FIELD children in a minimal document and parses it.
fn parse_fragment_field(children: &str) -> Result<crate::model::Field> {
    let doc = format!(
        "<VOTABLE><RESOURCE><TABLE><FIELD name=\"x\" datatype=\"char\">{children}</FIELD></TABLE></RESOURCE></VOTABLE>"
    );
    let reader = VotableReader::new(doc.as_bytes())?;
    reader
        .document()
        .first_table()
        .and_then(|t| t.fields.first().cloned())
        .ok_or_else(|| Error::invalid(None, "metadata fragment did not parse"))
}
