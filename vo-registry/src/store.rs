//! The registry's memory in the metadata database: per identifier, a hash of the record content,
//! when it was first seen (`created`), when its content last changed (`updated`), and whether it
//! was deleted. Portable SQL over `sqlx::AnyPool`, so SQLite and PostgreSQL run the same code.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::error::RegistryError;

/// What the database knows about one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The IVOID as last published (case preserved).
    pub identifier: String,
    pub created: String,
    pub updated: String,
    pub deleted: bool,
}

/// One record as currently published, reduced to what the store compares.
#[derive(Debug, Clone)]
pub struct PublishedRecord {
    pub identifier: String,
    pub content_hash: String,
    /// The `created` the publisher gave, used when the record is first seen.
    pub created: Option<String>,
}

/// What a synchronisation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub undeleted: usize,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self != &SyncReport::default()
    }
}

pub(crate) struct Store {
    pool: AnyPool,
}

fn stored(row: &AnyRow) -> Result<StoredRecord, sqlx::Error> {
    Ok(StoredRecord {
        identifier: row.try_get("identifier")?,
        created: row.try_get("created")?,
        updated: row.try_get("updated")?,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
    })
}

/// IVOIDs compare case-insensitively [IVOA Identifiers §2.1]; the key is the lower-cased form.
fn key(identifier: &str) -> String {
    identifier.to_lowercase()
}

impl Store {
    pub async fn open(pool: AnyPool) -> Result<Self, RegistryError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS registry_records (\
               identifier_key VARCHAR(1024) PRIMARY KEY, \
               identifier VARCHAR(1024) NOT NULL, \
               content_hash VARCHAR(64) NOT NULL, \
               created VARCHAR(20) NOT NULL, \
               updated VARCHAR(20) NOT NULL, \
               deleted BIGINT NOT NULL)",
        )
        .execute(&pool)
        .await?;
        sqlx::query("CREATE INDEX IF NOT EXISTS registry_records_updated ON registry_records (updated)")
            .execute(&pool)
            .await?;
        Ok(Store { pool })
    }

    /// Brings the table in line with the published records: new ones are added, changed or
    /// re-published ones get `updated = now`, vanished ones become deleted with `updated = now`.
    pub async fn sync(&self, published: &[PublishedRecord], now: &str) -> Result<SyncReport, RegistryError> {
        let mut transaction = self.pool.begin().await?;
        let rows = sqlx::query("SELECT identifier_key, content_hash, deleted FROM registry_records")
            .fetch_all(&mut *transaction)
            .await?;
        let mut known: HashMap<String, (String, bool)> = HashMap::new();
        for row in rows {
            let deleted = row.try_get::<i64, _>("deleted")? != 0;
            known.insert(row.try_get("identifier_key")?, (row.try_get("content_hash")?, deleted));
        }
        let mut report = SyncReport::default();
        let mut seen = std::collections::HashSet::new();
        for record in published {
            let key = key(&record.identifier);
            if !seen.insert(key.clone()) {
                continue; // the first record with an identifier wins
            }
            match known.get(&key) {
                None => {
                    sqlx::query(
                        "INSERT INTO registry_records (identifier_key, identifier, content_hash, created, updated, deleted) \
                         VALUES ($1, $2, $3, $4, $5, 0)",
                    )
                    .bind(&key)
                    .bind(&record.identifier)
                    .bind(&record.content_hash)
                    .bind(record.created.as_deref().unwrap_or(now))
                    .bind(now)
                    .execute(&mut *transaction)
                    .await?;
                    report.added += 1;
                }
                Some((hash, deleted)) if hash != &record.content_hash || *deleted => {
                    sqlx::query(
                        "UPDATE registry_records SET identifier = $1, content_hash = $2, updated = $3, deleted = 0 \
                         WHERE identifier_key = $4",
                    )
                    .bind(&record.identifier)
                    .bind(&record.content_hash)
                    .bind(now)
                    .bind(&key)
                    .execute(&mut *transaction)
                    .await?;
                    if *deleted {
                        report.undeleted += 1;
                    } else {
                        report.updated += 1;
                    }
                }
                Some(_) => {}
            }
        }
        for (key, (_, deleted)) in &known {
            if !deleted && !seen.contains(key) {
                sqlx::query("UPDATE registry_records SET deleted = 1, updated = $1 WHERE identifier_key = $2")
                    .bind(now)
                    .bind(key)
                    .execute(&mut *transaction)
                    .await?;
                report.deleted += 1;
            }
        }
        transaction.commit().await?;
        Ok(report)
    }

    pub async fn get(&self, identifier: &str) -> Result<Option<StoredRecord>, RegistryError> {
        let row =
            sqlx::query("SELECT identifier, created, updated, deleted FROM registry_records WHERE identifier_key = $1")
                .bind(key(identifier))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.as_ref().map(stored).transpose()?)
    }

    /// Records whose `updated` lies in `[from, until]`, ordered by identifier.
    pub async fn list(
        &self,
        from: &str,
        until: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, RegistryError> {
        let rows = sqlx::query(
            "SELECT identifier, created, updated, deleted FROM registry_records \
             WHERE updated >= $1 AND updated <= $2 ORDER BY identifier_key LIMIT $3 OFFSET $4",
        )
        .bind(from)
        .bind(until)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(stored).collect::<Result<_, _>>()?)
    }

    pub async fn count(&self, from: &str, until: &str) -> Result<usize, RegistryError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM registry_records WHERE updated >= $1 AND updated <= $2")
            .bind(from)
            .bind(until)
            .fetch_one(&self.pool)
            .await?;
        Ok(usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
    }

    /// The earliest datestamp of any record, if there is one.
    pub async fn earliest_datestamp(&self) -> Result<Option<String>, RegistryError> {
        let row = sqlx::query("SELECT MIN(updated) AS earliest FROM registry_records").fetch_one(&self.pool).await?;
        Ok(row.try_get::<Option<String>, _>("earliest")?)
    }
}
