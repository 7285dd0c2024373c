//! Wake-ups for blocking `WAIT` requests [UWS §2.2.1.2]: every phase change of a job is
//! announced here, and a waiting request sleeps until its job's next announcement.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use crate::phase::ExecutionPhase;

/// One channel per job that somebody is waiting on; jobs nobody waits on cost nothing.
#[derive(Debug, Default)]
pub(crate) struct PhaseWatch {
    channels: Mutex<HashMap<String, watch::Sender<Option<ExecutionPhase>>>>,
}

/// A registration to be woken at the next phase change of one job.
pub(crate) struct PhaseWaiter<'a> {
    watch: &'a PhaseWatch,
    job_id: String,
    receiver: Option<watch::Receiver<Option<ExecutionPhase>>>,
}

impl PhaseWatch {
    /// Registers interest in `job_id`. Register *before* reading the job's phase: a change
    /// between the read and the wait then still wakes the waiter.
    pub fn subscribe(&self, job_id: &str) -> PhaseWaiter<'_> {
        let mut channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let sender = channels.entry(job_id.to_string()).or_insert_with(|| watch::channel(None).0);
        PhaseWaiter { watch: self, job_id: job_id.to_string(), receiver: Some(sender.subscribe()) }
    }

    /// Announces that `job_id` is now in `phase` (`None`: the job is gone).
    pub fn announce(&self, job_id: &str, phase: Option<ExecutionPhase>) {
        let channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sender) = channels.get(job_id) {
            sender.send_replace(phase);
        }
    }

    fn release(&self, job_id: &str) {
        let mut channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if channels.get(job_id).is_some_and(|sender| sender.receiver_count() == 0) {
            channels.remove(job_id);
        }
    }

    #[cfg(test)]
    fn watched_jobs(&self) -> usize {
        self.channels.lock().unwrap().len()
    }
}

impl PhaseWaiter<'_> {
    /// Sleeps until the job's phase changes or `timeout` passes. Returns whether it changed.
    pub async fn changed_within(&mut self, timeout: Duration) -> bool {
        let Some(receiver) = self.receiver.as_mut() else { return false };
        matches!(tokio::time::timeout(timeout, receiver.changed()).await, Ok(Ok(())))
    }
}

impl Drop for PhaseWaiter<'_> {
    fn drop(&mut self) {
        // Drop our receiver first so that the channel is removed when we were the last waiter.
        self.receiver.take();
        self.watch.release(&self.job_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiter_wakes_on_announcement_and_cleans_up() {
        let watch = PhaseWatch::default();
        {
            let mut waiter = watch.subscribe("a");
            watch.announce("a", Some(ExecutionPhase::Executing));
            assert!(waiter.changed_within(Duration::from_secs(5)).await);
            assert!(!waiter.changed_within(Duration::from_millis(1)).await);
            assert_eq!(watch.watched_jobs(), 1);
        }
        assert_eq!(watch.watched_jobs(), 0);
        watch.announce("b", Some(ExecutionPhase::Completed));
        assert_eq!(watch.watched_jobs(), 0);
    }
}
