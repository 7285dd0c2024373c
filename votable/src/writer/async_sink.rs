//! The streaming writer for an asynchronous sink (feature `tokio`): a socket, an HTTP body, a
//! file opened with tokio.
//!
//! Encoding is CPU work done synchronously, one batch at a time, into a buffer that is then
//! written to the sink with `write_all(..).await` and emptied, so memory is bounded by one
//! encoded batch whatever the number of rows, and a slow client applies back-pressure to the
//! producer of the batches.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use arrow_array::{Int64Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_votable::model::Info;
//! use vo_votable::writer::{AsyncVotableWriter, Serialization};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![1, 2]))]).unwrap();
//! // Any tokio::io::AsyncWrite; a Vec<u8> here.
//! let mut writer = AsyncVotableWriter::for_schema(Vec::new(), &schema, Serialization::TableData).await.unwrap();
//! writer.write_batch(&batch).await.unwrap();
//! let xml = writer.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")]).await.unwrap();
//! assert!(String::from_utf8(xml).unwrap().contains("<TR><TD>2</TD></TR>"));
//! # });
//! ```

use arrow_array::RecordBatch;
use arrow_schema::Schema;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{Serialization, VotableWriter};
use crate::error::Result;
use crate::model::{Field, Info, VoTable};

/// [`VotableWriter`] for a [`tokio::io::AsyncWrite`] sink.
pub struct AsyncVotableWriter<W> {
    encoder: VotableWriter<Vec<u8>>,
    out: W,
}

impl<W: AsyncWrite + Unpin> AsyncVotableWriter<W> {
    /// Starts a document as [`VotableWriter::new`] does and writes everything up to the data.
    pub async fn new(out: W, doc: VoTable, serialization: Serialization) -> Result<Self> {
        let encoder = VotableWriter::new(Vec::new(), doc, serialization)?;
        let mut writer = AsyncVotableWriter { encoder, out };
        writer.drain().await?;
        Ok(writer)
    }

    /// Starts a document for batches of `schema`, as [`VotableWriter::for_schema`] does.
    pub async fn for_schema(out: W, schema: &Schema, serialization: Serialization) -> Result<Self> {
        let encoder = VotableWriter::for_schema(Vec::new(), schema, serialization)?;
        let mut writer = AsyncVotableWriter { encoder, out };
        writer.drain().await?;
        Ok(writer)
    }

    /// The FIELDs of the table being written.
    pub fn fields(&self) -> &[Field] {
        self.encoder.fields()
    }

    /// Number of rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.encoder.rows_written()
    }

    /// Encodes the rows of `batch` and writes what is ready to the sink.
    pub async fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        self.encoder.write_batch(batch)?;
        self.drain().await
    }

    /// Ends the document (see [`VotableWriter::finish`]), flushes the sink and returns it.
    pub async fn finish(mut self, trailing_infos: &[Info]) -> Result<W> {
        let tail = self.encoder.finish(trailing_infos)?;
        self.out.write_all(&tail).await?;
        self.out.flush().await?;
        Ok(self.out)
    }

    /// The largest encoded text held between two writes to the sink (for tests of the memory
    /// bound): the capacity of the internal buffer.
    pub fn buffer_capacity(&mut self) -> usize {
        self.encoder.get_mut().capacity()
    }

    async fn drain(&mut self) -> Result<()> {
        let buffer = self.encoder.get_mut();
        if !buffer.is_empty() {
            self.out.write_all(buffer).await?;
            buffer.clear();
        }
        Ok(())
    }
}
