//! The job directory layout on disk, and streaming files out of it.
//!
//! ```text
//! <jobs_dir>/<job id>/results/<result file>   written by the executor, served at {job}/results/{id}
//! <jobs_dir>/<job id>/uploads/upload-<n>      inline uploads, served at {job}/parameters/{name}
//! ```
//! Names under the job directory are chosen by us (uploads) or checked by
//! [`check_result_name`] (results), so a client can never make us touch a path outside it.

use std::path::{Path, PathBuf};

use tokio_util::io::ReaderStream;
use vo_dali::response::ByteStream;

use crate::error::UwsError;

/// Where the jobs of one service keep their files.
#[derive(Debug, Clone)]
pub(crate) struct JobFiles {
    root: PathBuf,
}

impl JobFiles {
    pub fn new(root: PathBuf) -> Self {
        JobFiles { root }
    }

    pub fn job_dir(&self, job_id: &str) -> PathBuf {
        self.root.join(job_id)
    }

    pub fn results_dir(&self, job_id: &str) -> PathBuf {
        self.job_dir(job_id).join("results")
    }

    pub fn uploads_dir(&self, job_id: &str) -> PathBuf {
        self.job_dir(job_id).join("uploads")
    }

    /// Creates the root directory if needed.
    pub async fn ensure_root(&self) -> Result<(), UwsError> {
        tokio::fs::create_dir_all(&self.root).await.map_err(|e| UwsError::io(&self.root, e))
    }

    /// Writes the uploads of a new job, returning the stored file names in order.
    pub async fn store_uploads(&self, job_id: &str, uploads: &[&[u8]]) -> Result<Vec<String>, UwsError> {
        if uploads.is_empty() {
            return Ok(Vec::new());
        }
        let dir = self.uploads_dir(job_id);
        tokio::fs::create_dir_all(&dir).await.map_err(|e| UwsError::io(&dir, e))?;
        let existing = count_entries(&dir).await?;
        let mut names = Vec::with_capacity(uploads.len());
        for (i, data) in uploads.iter().enumerate() {
            let name = format!("upload-{}", existing + i);
            let path = dir.join(&name);
            tokio::fs::write(&path, data).await.map_err(|e| UwsError::io(&path, e))?;
            names.push(name);
        }
        Ok(names)
    }

    /// Removes everything a job has on disk. A job without files is fine.
    pub async fn remove_job(&self, job_id: &str) -> Result<(), UwsError> {
        remove_dir_if_present(&self.job_dir(job_id)).await
    }

    /// Deletes job directories that belong to no stored job (left by a crash between creating
    /// the directory and storing the job, or between deleting the job and its directory).
    pub async fn remove_orphans(&self, is_known: impl Fn(&str) -> bool) -> Result<usize, UwsError> {
        let mut entries = match tokio::fs::read_dir(&self.root).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(UwsError::io(&self.root, e)),
        };
        let mut removed = 0;
        while let Some(entry) = entries.next_entry().await.map_err(|e| UwsError::io(&self.root, e))? {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Only touch directories named like our job ids: the caller's directory may hold
            // other things.
            if looks_like_job_id(&name) && !is_known(&name) {
                remove_dir_if_present(&entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// A new job id: 32 lowercase hex digits from a random UUID.
pub(crate) fn new_job_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub(crate) fn looks_like_job_id(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The rules for result names: they become file names and URL path segments, so they are kept to
/// letters, digits, `.`, `_` and `-`, start with a letter or digit, and are at most 128 long.
pub fn check_result_name(name: &str) -> Result<(), String> {
    let valid_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let starts_well = name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if valid_chars && starts_well && name.len() <= 128 {
        Ok(())
    } else {
        Err(format!(
            "result name '{name}' is not allowed: use 1 to 128 letters, digits, '.', '_' or '-', starting with a \
             letter or digit"
        ))
    }
}

/// Opens a file for streaming to the client, with its size.
pub(crate) async fn open_stream(path: &Path) -> Result<(ByteStream, u64), std::io::Error> {
    let file = tokio::fs::File::open(path).await?;
    let size = file.metadata().await?.len();
    Ok((Box::pin(ReaderStream::with_capacity(file, 64 * 1024)), size))
}

async fn remove_dir_if_present(path: &Path) -> Result<(), UwsError> {
    match tokio::fs::remove_dir_all(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(UwsError::io(path, e)),
    }
}

async fn count_entries(dir: &Path) -> Result<usize, UwsError> {
    let mut entries = tokio::fs::read_dir(dir).await.map_err(|e| UwsError::io(dir, e))?;
    let mut count = 0;
    while entries.next_entry().await.map_err(|e| UwsError::io(dir, e))?.is_some() {
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_names() {
        for good in ["result", "result.vot", "part_2-b", "0"] {
            assert!(check_result_name(good).is_ok(), "{good}");
        }
        for bad in ["", "../x", "a/b", ".hidden", "-x", "a b", &"x".repeat(129)] {
            assert!(check_result_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn job_ids_look_like_job_ids() {
        assert!(looks_like_job_id(&new_job_id()));
        assert!(!looks_like_job_id("lost+found"));
    }
}
