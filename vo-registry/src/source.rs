//! Where the registry's records come from: the server hands over what it actually serves — each
//! service's VOResource record (with the same capabilities as its VOSI document), the Registry
//! record and the Authority records. The registry works out datestamps and deletions itself.

use std::sync::RwLock;

use vo_resource::Resource;

/// The records currently published. Called on every OAI-PMH request, so it should be cheap.
pub trait RecordSource: Send + Sync {
    fn records(&self) -> Vec<Resource>;
}

impl RecordSource for Vec<Resource> {
    fn records(&self) -> Vec<Resource> {
        self.clone()
    }
}

/// Records kept in memory and replaced when the server's configuration changes (a service added,
/// removed, or its capabilities changed).
#[derive(Debug, Default)]
pub struct MemorySource {
    records: RwLock<Vec<Resource>>,
}

impl MemorySource {
    pub fn new(records: Vec<Resource>) -> Self {
        MemorySource { records: RwLock::new(records) }
    }

    /// Replaces the published records.
    pub fn replace(&self, records: Vec<Resource>) {
        // A writer that panicked left a complete Vec behind; keep serving it.
        let mut guard = self.records.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = records;
    }
}

impl RecordSource for MemorySource {
    fn records(&self) -> Vec<Resource> {
        self.records.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}
