//! Reading the UWS control parameters: job-list filters (PHASE, AFTER, LAST), WAIT,
//! EXECUTIONDURATION. Bad values are usage errors (HTTP 400) that say what was expected.

use std::time::Duration;

use vo_dali::{DaliError, Params};

use crate::job::JobFilter;
use crate::phase::ExecutionPhase;
use crate::time::parse_instant;

/// The job-list filters of a request [UWS §2.2.2.1].
pub(crate) fn job_filter(params: &Params) -> Result<JobFilter, DaliError> {
    let phases = params
        .get_all("PHASE")
        .into_iter()
        .map(|text| text.parse::<ExecutionPhase>().map_err(|e| DaliError::usage(format!("PHASE filter: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let after = match params.get("AFTER")? {
        None => None,
        Some(text) => Some(parse_instant(text).map_err(|e| DaliError::usage(format!("AFTER: {e}")))?),
    };
    let last = match params.get("LAST")? {
        None => None,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(DaliError::usage(format!("LAST must be a positive integer, got '{text}'"))),
        },
    };
    Ok(JobFilter { phases, after, last })
}

/// An EXECUTIONDURATION value in seconds (zero meaning unlimited). The job document shows it as
/// an `xs:int`, so values beyond that are refused as absurd.
pub(crate) fn execution_duration(text: &str) -> Result<u64, DaliError> {
    match text.trim().parse::<i64>() {
        Ok(seconds) if (0..=i64::from(i32::MAX)).contains(&seconds) => Ok(seconds as u64),
        Ok(seconds) if seconds < 0 => {
            Err(DaliError::usage(format!("EXECUTIONDURATION must not be negative, got {seconds}")))
        }
        _ => Err(DaliError::usage(format!(
            "EXECUTIONDURATION must be a whole number of seconds between 0 (unlimited) and {}, got '{text}'",
            i32::MAX
        ))),
    }
}

/// What a `WAIT` request asks for [UWS §2.2.1.2].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitRequest {
    /// How long to block at most (already capped by the server's limit).
    pub timeout: Duration,
    /// Block only while the job is in this phase (the client's view of the phase).
    pub only_in: Option<ExecutionPhase>,
}

/// The WAIT and PHASE parameters of a job GET; `None` when the client does not want to block.
pub(crate) fn wait_request(params: &Params, max_wait: Duration) -> Result<Option<WaitRequest>, DaliError> {
    let Some(text) = params.get("WAIT")? else { return Ok(None) };
    let timeout = match text.trim().parse::<i64>() {
        Ok(-1) => max_wait,
        Ok(seconds) if seconds >= 0 => Duration::from_secs(seconds as u64).min(max_wait),
        _ => {
            return Err(DaliError::usage(format!(
                "WAIT must be a number of seconds, or -1 to wait as long as the server allows; got '{text}'"
            )));
        }
    };
    let only_in = match params.get("PHASE")? {
        None => None,
        Some(text) => Some(text.parse::<ExecutionPhase>().map_err(|e| DaliError::usage(format!("PHASE: {e}")))?),
    };
    Ok(Some(WaitRequest { timeout, only_in }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let filter =
            job_filter(&Params::from_query("PHASE=EXECUTING&phase=queued&LAST=5&AFTER=2020-01-01T00:00:00Z")).unwrap();
        assert_eq!(filter.phases, vec![ExecutionPhase::Executing, ExecutionPhase::Queued]);
        assert_eq!(filter.last, Some(5));
        assert_eq!(filter.after, Some(1_577_836_800_000));
        assert!(job_filter(&Params::from_query("LAST=0")).is_err());
        assert!(job_filter(&Params::from_query("LAST=-3")).is_err());
        assert!(job_filter(&Params::from_query("PHASE=DONE")).unwrap_err().to_string().contains("'DONE'"));
        assert!(job_filter(&Params::from_query("AFTER=soon")).unwrap_err().to_string().contains("AFTER"));
    }

    #[test]
    fn execution_durations() {
        assert_eq!(execution_duration("0").unwrap(), 0);
        assert_eq!(execution_duration(" 600 ").unwrap(), 600);
        assert!(execution_duration("-1").unwrap_err().to_string().contains("negative"));
        assert!(execution_duration("1e9999").is_err());
        assert!(execution_duration("99999999999").is_err());
        assert!(execution_duration("ten").is_err());
    }

    #[test]
    fn wait_is_capped() {
        let max = Duration::from_secs(60);
        assert_eq!(wait_request(&Params::from_query(""), max).unwrap(), None);
        let wait = wait_request(&Params::from_query("WAIT=-1&PHASE=EXECUTING"), max).unwrap().unwrap();
        assert_eq!(wait.timeout, max);
        assert_eq!(wait.only_in, Some(ExecutionPhase::Executing));
        let wait = wait_request(&Params::from_query("WAIT=1000"), max).unwrap().unwrap();
        assert_eq!(wait.timeout, max);
        assert!(wait_request(&Params::from_query("WAIT=-2"), max).is_err());
        assert!(wait_request(&Params::from_query("WAIT=soon"), max).is_err());
    }
}
