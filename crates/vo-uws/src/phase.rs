//! The execution phases of a UWS job [UWS §2.1.3] and which of them may still change.

use std::fmt;
use std::str::FromStr;

/// The phase of a job, as shown at `{job}/phase` and in the job document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExecutionPhase {
    /// Created; the client may still change parameters. Waits for `PHASE=RUN`.
    Pending,
    /// Accepted for execution, waiting for a free worker.
    Queued,
    /// A worker is running the job.
    Executing,
    /// Finished successfully; results are available.
    Completed,
    /// Failed; the error summary and `{job}/error` say why.
    Error,
    /// Stopped by the client, by the execution-duration limit, or by destruction.
    Aborted,
    /// The service cannot tell (not produced by this implementation).
    Unknown,
    /// `PHASE=RUN` was received but the queue was full: the client must send `PHASE=RUN` again.
    Held,
    /// Paused by the system (not produced by this implementation).
    Suspended,
    /// Destroyed with its results deleted but its metadata kept.
    Archived,
}

impl ExecutionPhase {
    /// Every phase, in the order the UWS schema lists them.
    pub const ALL: [ExecutionPhase; 10] = [
        ExecutionPhase::Pending,
        ExecutionPhase::Queued,
        ExecutionPhase::Executing,
        ExecutionPhase::Completed,
        ExecutionPhase::Error,
        ExecutionPhase::Aborted,
        ExecutionPhase::Unknown,
        ExecutionPhase::Held,
        ExecutionPhase::Suspended,
        ExecutionPhase::Archived,
    ];

    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionPhase::Pending => "PENDING",
            ExecutionPhase::Queued => "QUEUED",
            ExecutionPhase::Executing => "EXECUTING",
            ExecutionPhase::Completed => "COMPLETED",
            ExecutionPhase::Error => "ERROR",
            ExecutionPhase::Aborted => "ABORTED",
            ExecutionPhase::Unknown => "UNKNOWN",
            ExecutionPhase::Held => "HELD",
            ExecutionPhase::Suspended => "SUSPENDED",
            ExecutionPhase::Archived => "ARCHIVED",
        }
    }

    /// Phases from which the job can still move on (by itself or by a client request).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ExecutionPhase::Pending
                | ExecutionPhase::Queued
                | ExecutionPhase::Executing
                | ExecutionPhase::Held
                | ExecutionPhase::Suspended
        )
    }

    /// Phases in which a blocking `WAIT` request may block [UWS §2.2.1.2].
    pub fn may_block(self) -> bool {
        matches!(self, ExecutionPhase::Pending | ExecutionPhase::Queued | ExecutionPhase::Executing)
    }

    /// Phases in which the client may still edit the job (parameters, execution duration).
    pub fn is_editable(self) -> bool {
        matches!(self, ExecutionPhase::Pending | ExecutionPhase::Held)
    }
}

impl fmt::Display for ExecutionPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a UWS phase name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a UWS execution phase (expected one of PENDING, QUEUED, EXECUTING, COMPLETED, ERROR, ABORTED, UNKNOWN, HELD, SUSPENDED, ARCHIVED)"
)]
pub struct UnknownPhase(pub String);

impl FromStr for ExecutionPhase {
    type Err = UnknownPhase;

    /// Phase names are matched case-insensitively: clients send `run`/`RUN` alike, so we are
    /// lenient with phase filters too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        ExecutionPhase::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| UnknownPhase(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for phase in ExecutionPhase::ALL {
            assert_eq!(phase.as_str().parse::<ExecutionPhase>().unwrap(), phase);
        }
        assert_eq!("executing".parse::<ExecutionPhase>().unwrap(), ExecutionPhase::Executing);
        let err = "RUNNING".parse::<ExecutionPhase>().unwrap_err();
        assert!(err.to_string().contains("'RUNNING'"), "{err}");
    }

    #[test]
    fn blocking_and_activity() {
        assert!(ExecutionPhase::Queued.may_block());
        assert!(!ExecutionPhase::Held.may_block());
        assert!(ExecutionPhase::Held.is_active());
        assert!(!ExecutionPhase::Completed.is_active());
        assert!(ExecutionPhase::Held.is_editable());
        assert!(!ExecutionPhase::Queued.is_editable());
    }
}
