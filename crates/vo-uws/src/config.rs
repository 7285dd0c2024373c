//! Operator settings of a UWS job list: pool size, queue length, time limits, retention.

use std::time::Duration;

/// What happens to a job when its destruction time comes [UWS §2.1.5].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DestructionPolicy {
    /// Forget the job: its rows and its directory are deleted; it then answers 404.
    #[default]
    Delete,
    /// Delete its result and upload files but keep its metadata in phase ARCHIVED
    /// (listed only with `PHASE=ARCHIVED`).
    Archive,
}

/// Settings of a [`UwsService`](crate::UwsService). `UwsConfig::default()` suits a small server.
#[derive(Debug, Clone)]
pub struct UwsConfig {
    /// How many jobs execute at the same time.
    pub workers: usize,
    /// How many jobs may wait in QUEUED for a worker. When the queue is full, `PHASE=RUN` puts
    /// the job in HELD and the client has to send `PHASE=RUN` again later.
    pub queue_size: usize,
    /// The execution duration a new job gets; zero means unlimited.
    pub default_execution_duration: Duration,
    /// The longest execution duration a client may ask for (requests above are lowered to it);
    /// `None` lets clients ask for unlimited (zero).
    pub max_execution_duration: Option<Duration>,
    /// How long a job is kept after its creation unless the client sets DESTRUCTION.
    pub default_retention: Duration,
    /// The latest destruction time a client may set, counted from job creation (requests above
    /// are lowered to it).
    pub max_retention: Duration,
    /// The longest a blocking `WAIT` request is held open, whatever the client asked.
    pub max_wait: Duration,
    /// How many active (PENDING, QUEUED, EXECUTING, HELD) jobs one owner may have; job creation
    /// beyond that is refused with 403. `None` for no limit.
    pub max_active_jobs_per_owner: Option<u64>,
    /// How often the reaper looks for jobs whose destruction time has passed.
    pub reaper_interval: Duration,
    /// Delete or archive jobs at destruction time.
    pub destruction_policy: DestructionPolicy,
    /// The most jobs one job-list response shows (the newest ones), whatever LAST says; the
    /// schema lets a server filter the list, and an unbounded list of a busy anonymous owner
    /// costs seconds and tens of megabytes. `None` for no limit.
    pub max_listed_jobs: Option<u64>,
    /// The Tokio runtime that runs the jobs, the dispatcher and the reaper; `None` for the
    /// runtime that calls [`UwsService::new`](crate::UwsService::new). Under actix-web that is
    /// the single-threaded main runtime, so give CPU-heavy executors (queries) a multi-threaded
    /// runtime of their own here.
    pub runtime: Option<tokio::runtime::Handle>,
}

impl Default for UwsConfig {
    fn default() -> Self {
        UwsConfig {
            workers: 4,
            queue_size: 1000,
            default_execution_duration: Duration::from_secs(3600),
            max_execution_duration: Some(Duration::from_secs(4 * 3600)),
            default_retention: Duration::from_secs(7 * 24 * 3600),
            max_retention: Duration::from_secs(30 * 24 * 3600),
            max_wait: Duration::from_secs(60),
            max_active_jobs_per_owner: None,
            reaper_interval: Duration::from_secs(60),
            destruction_policy: DestructionPolicy::Delete,
            max_listed_jobs: Some(10_000),
            runtime: None,
        }
    }
}

impl UwsConfig {
    /// The execution duration (seconds, zero = unlimited) granted for a client's request.
    pub(crate) fn grant_execution_duration(&self, requested_secs: u64) -> u64 {
        match self.max_execution_duration {
            None => requested_secs,
            Some(max) if requested_secs == 0 => max.as_secs(),
            Some(max) => requested_secs.min(max.as_secs()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_duration_is_capped() {
        let config = UwsConfig { max_execution_duration: Some(Duration::from_secs(100)), ..UwsConfig::default() };
        assert_eq!(config.grant_execution_duration(10), 10);
        assert_eq!(config.grant_execution_duration(1000), 100);
        assert_eq!(config.grant_execution_duration(0), 100, "unlimited is not allowed when a maximum is set");
        let unlimited = UwsConfig { max_execution_duration: None, ..UwsConfig::default() };
        assert_eq!(unlimited.grant_execution_duration(0), 0);
    }
}
