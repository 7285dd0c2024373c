//! The UWS XML documents [UWS App. B]: the job list, the job, and its results and parameters.
//! Elements are written in the order of the schema's `xs:sequence` (validators reject any
//! other), with `version="1.1"` on the roots and `xsi:nil` for absent nillable values.

use std::fmt::Write;

use quick_xml::escape::escape;

use crate::job::{Job, JobParameter, JobResult, JobSummary};
use crate::time::{Millis, format_instant};

/// The UWS namespace (unchanged since UWS 1.0).
pub const UWS_NAMESPACE: &str = "http://www.ivoa.net/xml/UWS/v1.0";
const XLINK_NAMESPACE: &str = "http://www.w3.org/1999/xlink";
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn open_root(out: &mut String, element: &str, with_version: bool) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<uws:{element} xmlns:uws=\"{UWS_NAMESPACE}\" xmlns:xlink=\"{XLINK_NAMESPACE}\" xmlns:xsi=\"{XSI_NAMESPACE}\""
    );
    if with_version {
        out.push_str(" version=\"1.1\"");
    }
    out.push_str(">\n");
}

/// The job list `<uws:jobs>`; `list_url` is the absolute URL of the list.
pub fn jobs_document(list_url: &str, jobs: &[JobSummary]) -> String {
    let mut out = String::with_capacity(256 + jobs.len() * 320);
    open_root(&mut out, "jobs", true);
    for job in jobs {
        let _ = write!(
            out,
            "  <uws:jobref id=\"{id}\" xlink:type=\"simple\" xlink:href=\"{list}/{id}\">\n    <uws:phase>{phase}</uws:phase>\n",
            id = escape(&job.id),
            list = escape(list_url),
            phase = job.phase,
        );
        if let Some(run_id) = &job.run_id {
            let _ = writeln!(out, "    <uws:runId>{}</uws:runId>", escape(run_id));
        }
        nillable(&mut out, 4, "ownerId", job.owner.as_deref().map(escape).as_deref());
        let _ = write!(
            out,
            "    <uws:creationTime>{}</uws:creationTime>\n  </uws:jobref>\n",
            format_instant(job.creation_time)
        );
    }
    out.push_str("</uws:jobs>\n");
    out
}

/// The job document `<uws:job>`; `list_url` is the absolute URL of the job list.
pub fn job_document(list_url: &str, job: &Job) -> String {
    let job_url = format!("{list_url}/{}", job.id);
    let mut out = String::with_capacity(2048);
    open_root(&mut out, "job", true);
    let _ = writeln!(out, "  <uws:jobId>{}</uws:jobId>", escape(&job.id));
    if let Some(run_id) = &job.run_id {
        let _ = writeln!(out, "  <uws:runId>{}</uws:runId>", escape(run_id));
    }
    nillable(&mut out, 2, "ownerId", job.owner.as_deref().map(escape).as_deref());
    let _ = writeln!(out, "  <uws:phase>{}</uws:phase>", job.phase);
    nillable_instant(&mut out, "quote", job.quote);
    let _ = writeln!(out, "  <uws:creationTime>{}</uws:creationTime>", format_instant(job.creation_time));
    nillable_instant(&mut out, "startTime", job.start_time);
    nillable_instant(&mut out, "endTime", job.end_time);
    let _ = writeln!(out, "  <uws:executionDuration>{}</uws:executionDuration>", job.execution_duration);
    nillable_instant(&mut out, "destruction", job.destruction);
    write_parameters(&mut out, 2, &job_url, &job.parameters);
    write_results(&mut out, 2, &job_url, &job.results);
    if let Some(error) = &job.error {
        let _ = write!(
            out,
            "  <uws:errorSummary type=\"{}\" hasDetail=\"true\">\n    <uws:message>{}</uws:message>\n  </uws:errorSummary>\n",
            error.error_type.as_str(),
            escape(xml_safe(&error.message).as_ref())
        );
    }
    if !job.info.is_empty() {
        out.push_str("  <uws:jobInfo>\n");
        for (name, value) in &job.info {
            let _ = writeln!(
                out,
                "    <info name=\"{}\">{}</info>",
                escape(xml_safe(name).as_ref()),
                escape(xml_safe(value).as_ref())
            );
        }
        out.push_str("  </uws:jobInfo>\n");
    }
    out.push_str("</uws:job>\n");
    out
}

/// The `{job}/results` document.
pub fn results_document(job_url: &str, results: &[JobResult]) -> String {
    let mut out = String::with_capacity(512);
    open_root(&mut out, "results", false);
    write_result_entries(&mut out, 2, job_url, results);
    out.push_str("</uws:results>\n");
    out
}

/// The `{job}/parameters` document.
pub fn parameters_document(job_url: &str, parameters: &[JobParameter]) -> String {
    let mut out = String::with_capacity(512);
    open_root(&mut out, "parameters", false);
    write_parameter_entries(&mut out, 2, job_url, parameters);
    out.push_str("</uws:parameters>\n");
    out
}

fn write_parameters(out: &mut String, indent: usize, job_url: &str, parameters: &[JobParameter]) {
    let _ = writeln!(out, "{:indent$}<uws:parameters>", "");
    write_parameter_entries(out, indent + 2, job_url, parameters);
    let _ = writeln!(out, "{:indent$}</uws:parameters>", "");
}

fn write_parameter_entries(out: &mut String, indent: usize, job_url: &str, parameters: &[JobParameter]) {
    for parameter in parameters {
        let id = escape(&parameter.name);
        // Uploads, and values that XML 1.0 cannot carry, are given by reference [UWS App. B].
        if parameter.upload.is_some() || !is_xml_safe(&parameter.value) {
            let url = format!("{job_url}/parameters/{}", encode_path_segment(&parameter.name));
            let _ = writeln!(
                out,
                "{:indent$}<uws:parameter id=\"{id}\" byReference=\"true\">{}</uws:parameter>",
                "",
                escape(&url)
            );
        } else {
            let _ =
                writeln!(out, "{:indent$}<uws:parameter id=\"{id}\">{}</uws:parameter>", "", escape(&parameter.value));
        }
    }
}

fn write_results(out: &mut String, indent: usize, job_url: &str, results: &[JobResult]) {
    let _ = writeln!(out, "{:indent$}<uws:results>", "");
    write_result_entries(out, indent + 2, job_url, results);
    let _ = writeln!(out, "{:indent$}</uws:results>", "");
}

fn write_result_entries(out: &mut String, indent: usize, job_url: &str, results: &[JobResult]) {
    for result in results {
        let _ = write!(
            out,
            "{:indent$}<uws:result id=\"{id}\" xlink:type=\"simple\" xlink:href=\"{url}/results/{id}\"",
            "",
            id = escape(&result.id),
            url = escape(job_url)
        );
        if let Some(size) = result.size {
            let _ = write!(out, " size=\"{size}\"");
        }
        if let Some(mime) = &result.mime_type {
            let _ = write!(out, " mime-type=\"{}\"", escape(mime));
        }
        out.push_str("/>\n");
    }
}

fn nillable(out: &mut String, indent: usize, element: &str, escaped_value: Option<&str>) {
    match escaped_value {
        Some(value) => {
            let _ = writeln!(out, "{:indent$}<uws:{element}>{value}</uws:{element}>", "");
        }
        None => {
            let _ = writeln!(out, "{:indent$}<uws:{element} xsi:nil=\"true\"/>", "");
        }
    }
}

fn nillable_instant(out: &mut String, element: &str, instant: Option<Millis>) {
    nillable(out, 2, element, instant.map(format_instant).as_deref());
}

/// Whether XML 1.0 allows the character.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_xml_safe(text: &str) -> bool {
    text.chars().all(is_xml_char)
}

/// `text` with characters XML 1.0 cannot carry replaced by U+FFFD (for messages we show).
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if is_xml_safe(text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }).collect())
    }
}

/// Percent-encodes a path segment (parameter names may hold any character).
pub(crate) fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{ErrorType, JobError, StoredUpload};
    use crate::phase::ExecutionPhase;

    fn sample_job() -> Job {
        Job {
            id: "abc".into(),
            run_id: Some("run <1>".into()),
            owner: None,
            phase: ExecutionPhase::Error,
            quote: None,
            creation_time: 0,
            start_time: Some(1000),
            end_time: None,
            execution_duration: 60,
            destruction: None,
            parameters: vec![
                JobParameter { name: "QUERY".into(), value: "SELECT a<b".into(), upload: None },
                JobParameter {
                    name: "my table".into(),
                    value: String::new(),
                    upload: Some(StoredUpload {
                        stored_name: "upload-0".into(),
                        client_file_name: None,
                        content_type: None,
                    }),
                },
                JobParameter { name: "BIN".into(), value: "\u{1}".into(), upload: None },
            ],
            results: vec![JobResult {
                id: "result".into(),
                mime_type: Some("text/csv".into()),
                size: Some(12),
                stored_name: "result".into(),
            }],
            error: Some(JobError { error_type: ErrorType::Fatal, message: "bad & wrong".into() }),
            info: vec![("rows".into(), "12".into())],
            list_url: "http://h/async".into(),
        }
    }

    #[test]
    fn job_document_follows_the_schema_order() {
        let doc = job_document("http://h/async", &sample_job());
        let order = [
            "<uws:jobId>abc</uws:jobId>",
            "<uws:runId>run &lt;1&gt;</uws:runId>",
            "<uws:ownerId xsi:nil=\"true\"/>",
            "<uws:phase>ERROR</uws:phase>",
            "<uws:quote xsi:nil=\"true\"/>",
            "<uws:creationTime>1970-01-01T00:00:00.000Z</uws:creationTime>",
            "<uws:startTime>1970-01-01T00:00:01.000Z</uws:startTime>",
            "<uws:endTime xsi:nil=\"true\"/>",
            "<uws:executionDuration>60</uws:executionDuration>",
            "<uws:destruction xsi:nil=\"true\"/>",
            "<uws:parameter id=\"QUERY\">SELECT a&lt;b</uws:parameter>",
            "<uws:parameter id=\"my table\" byReference=\"true\">http://h/async/abc/parameters/my%20table</uws:parameter>",
            "<uws:parameter id=\"BIN\" byReference=\"true\">http://h/async/abc/parameters/BIN</uws:parameter>",
            "<uws:result id=\"result\" xlink:type=\"simple\" xlink:href=\"http://h/async/abc/results/result\" size=\"12\" mime-type=\"text/csv\"/>",
            "<uws:errorSummary type=\"fatal\" hasDetail=\"true\">",
            "<uws:message>bad &amp; wrong</uws:message>",
            "<uws:jobInfo>",
            "<info name=\"rows\">12</info>",
        ];
        let mut from = 0;
        for piece in order {
            let at = doc[from..].find(piece).unwrap_or_else(|| panic!("missing or out of order: {piece}\n{doc}"));
            from += at + piece.len();
        }
        assert!(doc.contains("<uws:job xmlns:uws=\"http://www.ivoa.net/xml/UWS/v1.0\""), "{doc}");
        assert!(doc.contains("version=\"1.1\""), "{doc}");
    }

    #[test]
    fn job_list_entries() {
        let jobs = vec![JobSummary {
            id: "j1".into(),
            phase: ExecutionPhase::Completed,
            run_id: None,
            owner: Some("alice".into()),
            creation_time: 0,
        }];
        let doc = jobs_document("http://h/async", &jobs);
        assert!(doc.contains("<uws:jobref id=\"j1\" xlink:type=\"simple\" xlink:href=\"http://h/async/j1\">"), "{doc}");
        assert!(doc.contains("<uws:phase>COMPLETED</uws:phase>\n    <uws:ownerId>alice</uws:ownerId>"), "{doc}");
        assert!(jobs_document("u", &[]).contains("<uws:jobs"));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_path_segment("table_1.x"), "table_1.x");
    }
}
