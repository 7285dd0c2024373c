//! Persistence of jobs in the metadata database through sqlx's `AnyPool`, so the same SQL runs
//! on SQLite and PostgreSQL.
//!
//! Portability rules followed here: `$n` placeholders (SQLite accepts them too), integers are
//! `BIGINT` and instants are milliseconds since the epoch (the `Any` driver has no date type),
//! and every phase change is a conditional `UPDATE ... WHERE phase IN (...)` so that concurrent
//! requests (ABORT racing a worker's start, say) cannot both win. Transactions start with a write
//! so that SQLite takes its write lock up front instead of failing to upgrade a read lock.

use sqlx::any::AnyRow;
use std::sync::Arc;

use sqlx::{AnyPool, AssertSqlSafe, Row};
use tokio::sync::{Mutex, MutexGuard};

use crate::error::UwsError;
use crate::job::{ErrorType, Job, JobError, JobFilter, JobParameter, JobResult, JobSummary, StoredUpload};
use crate::phase::ExecutionPhase;
use crate::time::Millis;

/// Table definitions. Every name is prefixed `uws_` so the tables can share the metadata
/// database with the rest of the server.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS uws_job (
        job_id TEXT NOT NULL PRIMARY KEY,
        owner_id TEXT NOT NULL,
        run_id TEXT,
        phase TEXT NOT NULL,
        quote BIGINT,
        creation_time BIGINT NOT NULL,
        start_time BIGINT,
        end_time BIGINT,
        execution_duration BIGINT NOT NULL,
        destruction_time BIGINT,
        error_type TEXT,
        error_message TEXT,
        list_url TEXT NOT NULL
    )",
    // The job list: one owner's jobs, newest first, optionally after an instant.
    "CREATE INDEX IF NOT EXISTS uws_job_owner_created ON uws_job (owner_id, creation_time, job_id)",
    // The job list filtered by phase.
    "CREATE INDEX IF NOT EXISTS uws_job_owner_phase_created ON uws_job (owner_id, phase, creation_time, job_id)",
    // The reaper.
    "CREATE INDEX IF NOT EXISTS uws_job_destruction ON uws_job (destruction_time)",
    "CREATE TABLE IF NOT EXISTS uws_parameter (
        job_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        upload_stored_name TEXT,
        upload_file_name TEXT,
        upload_content_type TEXT,
        PRIMARY KEY (job_id, seq)
    )",
    "CREATE TABLE IF NOT EXISTS uws_result (
        job_id TEXT NOT NULL,
        result_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        mime_type TEXT,
        size BIGINT,
        stored_name TEXT NOT NULL,
        PRIMARY KEY (job_id, result_id)
    )",
    "CREATE TABLE IF NOT EXISTS uws_job_info (
        job_id TEXT NOT NULL,
        name TEXT NOT NULL,
        seq BIGINT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (job_id, name)
    )",
];

/// The key under which the anonymous owner's jobs are stored.
const ANONYMOUS: &str = "";

fn owner_key(owner: Option<&str>) -> &str {
    owner.unwrap_or(ANONYMOUS)
}

/// A job as created by a client, before it is stored.
#[derive(Debug, Clone)]
pub(crate) struct NewJob {
    pub id: String,
    pub owner: Option<String>,
    pub run_id: Option<String>,
    pub phase: ExecutionPhase,
    pub creation_time: Millis,
    pub execution_duration: u64,
    pub destruction: Option<Millis>,
    pub error: Option<JobError>,
    pub parameters: Vec<JobParameter>,
    pub list_url: String,
}

/// The jobs tables of one database.
#[derive(Debug, Clone)]
pub(crate) struct JobStore {
    pool: AnyPool,
    /// On SQLite, writes take turns here. SQLite allows one writer at a time, and a writer that
    /// finds the database locked sleeps in growing steps (up to 100 ms) before retrying; waiting
    /// in an in-process queue instead keeps write latency flat under load. PostgreSQL locks rows
    /// and needs no such gate.
    write_gate: Option<Arc<Mutex<()>>>,
}

impl JobStore {
    /// Creates the tables and indexes if they are missing.
    pub async fn open(pool: AnyPool) -> Result<Self, UwsError> {
        for statement in SCHEMA {
            sqlx::query(*statement).execute(&pool).await?;
        }
        let is_sqlite = pool.acquire().await?.backend_name().eq_ignore_ascii_case("sqlite");
        Ok(JobStore { pool, write_gate: is_sqlite.then(|| Arc::new(Mutex::new(()))) })
    }

    /// Waits for this process's turn to write (SQLite only; see `write_gate`).
    async fn write_turn(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.write_gate {
            Some(gate) => Some(gate.lock().await),
            None => None,
        }
    }

    pub async fn insert_job(&self, job: &NewJob) -> Result<(), UwsError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO uws_job (job_id, owner_id, run_id, phase, creation_time, execution_duration, \
             destruction_time, error_type, error_message, list_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&job.id)
        .bind(owner_key(job.owner.as_deref()))
        .bind(&job.run_id)
        .bind(job.phase.as_str())
        .bind(job.creation_time)
        .bind(as_i64(job.execution_duration))
        .bind(job.destruction)
        .bind(job.error.as_ref().map(|e| e.error_type.as_str()))
        .bind(job.error.as_ref().map(|e| e.message.clone()))
        .bind(&job.list_url)
        .execute(&mut *tx)
        .await?;
        insert_parameters(&mut tx, &job.id, 0, &job.parameters).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The whole job, or `None` if there is no such job.
    pub async fn load_job(&self, job_id: &str) -> Result<Option<Job>, UwsError> {
        let Some(row) = sqlx::query(
            "SELECT job_id, owner_id, run_id, phase, quote, creation_time, start_time, end_time, execution_duration, \
             destruction_time, error_type, error_message, list_url FROM uws_job WHERE job_id = $1",
        )
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let parameters = self.load_parameters(job_id).await?;
        let results = self.load_results(job_id).await?;
        let info = sqlx::query("SELECT name, value FROM uws_job_info WHERE job_id = $1 ORDER BY seq")
            .bind(job_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("value")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let error = match (row.try_get::<Option<String>, _>("error_type")?, row.try_get("error_message")?) {
            (Some(kind), Some(message)) => Some(JobError { error_type: ErrorType::from_stored(&kind), message }),
            _ => None,
        };
        Ok(Some(Job {
            id: row.try_get("job_id")?,
            run_id: row.try_get("run_id")?,
            owner: owner_from_key(row.try_get("owner_id")?),
            phase: phase_of(&row, job_id)?,
            quote: row.try_get("quote")?,
            creation_time: row.try_get("creation_time")?,
            start_time: row.try_get("start_time")?,
            end_time: row.try_get("end_time")?,
            execution_duration: as_u64(row.try_get("execution_duration")?),
            destruction: row.try_get("destruction_time")?,
            parameters,
            results,
            error,
            info,
            list_url: row.try_get("list_url")?,
        }))
    }

    /// Phase and owner of a job: the cheap lookup behind most requests.
    pub async fn load_phase(&self, job_id: &str) -> Result<Option<(ExecutionPhase, Option<String>)>, UwsError> {
        let row = sqlx::query("SELECT phase, owner_id FROM uws_job WHERE job_id = $1")
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((phase_of(&row, job_id)?, owner_from_key(row.try_get("owner_id")?)))),
        }
    }

    pub async fn load_parameters(&self, job_id: &str) -> Result<Vec<JobParameter>, UwsError> {
        let rows = sqlx::query(
            "SELECT name, value, upload_stored_name, upload_file_name, upload_content_type FROM uws_parameter \
             WHERE job_id = $1 ORDER BY seq",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        let mut parameters = Vec::with_capacity(rows.len());
        for row in rows {
            let upload = match row.try_get::<Option<String>, _>("upload_stored_name")? {
                None => None,
                Some(stored_name) => Some(StoredUpload {
                    stored_name,
                    client_file_name: row.try_get("upload_file_name")?,
                    content_type: row.try_get("upload_content_type")?,
                }),
            };
            parameters.push(JobParameter { name: row.try_get("name")?, value: row.try_get("value")?, upload });
        }
        Ok(parameters)
    }

    pub async fn load_results(&self, job_id: &str) -> Result<Vec<JobResult>, UwsError> {
        let rows = sqlx::query(
            "SELECT result_id, mime_type, size, stored_name FROM uws_result WHERE job_id = $1 ORDER BY seq",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(JobResult {
                    id: row.try_get("result_id")?,
                    mime_type: row.try_get("mime_type")?,
                    size: row.try_get::<Option<i64>, _>("size")?.map(as_u64),
                    stored_name: row.try_get("stored_name")?,
                })
            })
            .collect()
    }

    /// The job list of one owner, newest first (ties broken by id, so the order is stable).
    ///
    /// Every query is answered from an index: the (owner, creation time) index without a phase
    /// filter, the (owner, phase, creation time) index with one. Several phases are queried one
    /// by one and merged, because a single `phase IN (...)` makes SQLite scan the owner's whole
    /// history to keep the order.
    pub async fn list_jobs(&self, owner: Option<&str>, filter: &JobFilter) -> Result<Vec<JobSummary>, UwsError> {
        if filter.phases.len() <= 1 {
            return self.list_jobs_in_phase(owner, filter.phases.first().copied(), filter).await;
        }
        let mut phases = filter.phases.clone();
        phases.sort_by_key(|p| p.as_str());
        phases.dedup();
        let mut jobs = Vec::new();
        for phase in phases {
            jobs.extend(self.list_jobs_in_phase(owner, Some(phase), filter).await?);
        }
        jobs.sort_by(|a, b| b.creation_time.cmp(&a.creation_time).then_with(|| b.id.cmp(&a.id)));
        if let Some(last) = filter.last {
            jobs.truncate(usize::try_from(last).unwrap_or(usize::MAX));
        }
        Ok(jobs)
    }

    /// The job list restricted to one phase, or to every phase but ARCHIVED when `phase` is None.
    async fn list_jobs_in_phase(
        &self,
        owner: Option<&str>,
        phase: Option<ExecutionPhase>,
        filter: &JobFilter,
    ) -> Result<Vec<JobSummary>, UwsError> {
        let mut sql = String::from(
            "SELECT job_id, phase, run_id, owner_id, creation_time FROM uws_job WHERE owner_id = $1 AND phase",
        );
        sql.push_str(if phase.is_some() { " = $2" } else { " <> $2" });
        if filter.after.is_some() {
            sql.push_str(" AND creation_time > $3");
        }
        sql.push_str(" ORDER BY creation_time DESC, job_id DESC");
        if filter.last.is_some() {
            sql.push_str(if filter.after.is_some() { " LIMIT $4" } else { " LIMIT $3" });
        }
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(owner_key(owner))
            .bind(phase.unwrap_or(ExecutionPhase::Archived).as_str());
        if let Some(after) = filter.after {
            query = query.bind(after);
        }
        if let Some(last) = filter.last {
            query = query.bind(as_i64(last));
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("job_id")?;
                Ok(JobSummary {
                    phase: phase_of(row, &id)?,
                    id,
                    run_id: row.try_get("run_id")?,
                    owner: owner_from_key(row.try_get("owner_id")?),
                    creation_time: row.try_get("creation_time")?,
                })
            })
            .collect()
    }

    /// How many of the owner's jobs are still active (they count against a per-owner limit).
    pub async fn count_active_jobs(&self, owner: Option<&str>) -> Result<u64, UwsError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM uws_job WHERE owner_id = $1 AND phase IN ($2, $3, $4, $5, $6)")
                .bind(owner_key(owner))
                .bind(ExecutionPhase::Pending.as_str())
                .bind(ExecutionPhase::Queued.as_str())
                .bind(ExecutionPhase::Executing.as_str())
                .bind(ExecutionPhase::Held.as_str())
                .bind(ExecutionPhase::Suspended.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(as_u64(row.try_get("n")?))
    }

    /// Moves a job from one of `from` to `to`, recording the given instants and error. Returns
    /// whether the job was in one of `from` (and so was moved).
    pub async fn transition(
        &self,
        job_id: &str,
        from: &[ExecutionPhase],
        change: PhaseChange<'_>,
    ) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let mut sql = String::from(
            "UPDATE uws_job SET phase = $1, start_time = COALESCE($2, start_time), end_time = COALESCE($3, end_time), \
             error_type = COALESCE($4, error_type), error_message = COALESCE($5, error_message) WHERE job_id = $6",
        );
        let from_list: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 7)).collect();
        sql.push_str(&format!(" AND phase IN ({})", from_list.join(", ")));
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(change.to.as_str())
            .bind(change.start_time)
            .bind(change.end_time)
            .bind(change.error.map(|e| e.error_type.as_str()))
            .bind(change.error.map(|e| e.message.clone()))
            .bind(job_id);
        for phase in from {
            query = query.bind(phase.as_str());
        }
        Ok(query.execute(&self.pool).await?.rows_affected() > 0)
    }

    /// Sets the execution duration while the job is still editable.
    pub async fn set_execution_duration(&self, job_id: &str, seconds: u64) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let done = sqlx::query("UPDATE uws_job SET execution_duration = $1 WHERE job_id = $2 AND phase IN ($3, $4)")
            .bind(as_i64(seconds))
            .bind(job_id)
            .bind(ExecutionPhase::Pending.as_str())
            .bind(ExecutionPhase::Held.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sets the destruction time of a job that is not archived.
    pub async fn set_destruction(&self, job_id: &str, destruction: Millis) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let done = sqlx::query("UPDATE uws_job SET destruction_time = $1 WHERE job_id = $2 AND phase <> $3")
            .bind(destruction)
            .bind(job_id)
            .bind(ExecutionPhase::Archived.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Sets parameters of a job that is still editable: a name given again replaces all earlier
    /// values of that name (compared case-insensitively, as DALI names are). Returns false,
    /// changing nothing, if the job is not editable.
    pub async fn add_parameters(&self, job_id: &str, parameters: &[JobParameter]) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // Touching the row first takes the write lock (SQLite) or the row lock (PostgreSQL), so a
        // concurrent PHASE=RUN cannot start the job half-way through the update.
        let touched = sqlx::query("UPDATE uws_job SET phase = phase WHERE job_id = $1 AND phase IN ($2, $3)")
            .bind(job_id)
            .bind(ExecutionPhase::Pending.as_str())
            .bind(ExecutionPhase::Held.as_str())
            .execute(&mut *tx)
            .await?;
        if touched.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let mut replaced: Vec<String> = parameters.iter().map(|p| p.name.to_ascii_lowercase()).collect();
        replaced.sort();
        replaced.dedup();
        for name in &replaced {
            sqlx::query("DELETE FROM uws_parameter WHERE job_id = $1 AND LOWER(name) = $2")
                .bind(job_id)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        let row = sqlx::query("SELECT COALESCE(MAX(seq), -1) AS max_seq FROM uws_parameter WHERE job_id = $1")
            .bind(job_id)
            .fetch_one(&mut *tx)
            .await?;
        let first_seq = row.try_get::<i64, _>("max_seq")? + 1;
        insert_parameters(&mut tx, job_id, first_seq, parameters).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Registers (or replaces) a result of an executing job; returns false if the job is no
    /// longer executing (aborted or deleted meanwhile), in which case nothing is recorded.
    pub async fn add_result(&self, job_id: &str, result: &JobResult) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        // One upsert statement: the guard (job still EXECUTING) and the write are atomic.
        let upserted = sqlx::query(
            "INSERT INTO uws_result (job_id, result_id, seq, mime_type, size, stored_name) \
             SELECT $1, $2, (SELECT COUNT(*) FROM uws_result WHERE job_id = $1), $3, $4, $5 \
             WHERE EXISTS (SELECT 1 FROM uws_job WHERE job_id = $1 AND phase = $6) \
             ON CONFLICT (job_id, result_id) DO UPDATE SET mime_type = excluded.mime_type, size = excluded.size, \
             stored_name = excluded.stored_name",
        )
        .bind(job_id)
        .bind(&result.id)
        .bind(&result.mime_type)
        .bind(result.size.map(as_i64))
        .bind(&result.stored_name)
        .bind(ExecutionPhase::Executing.as_str())
        .execute(&self.pool)
        .await?;
        Ok(upserted.rows_affected() > 0)
    }

    /// Records (or replaces) one `jobInfo` entry of an executing job.
    pub async fn set_info(&self, job_id: &str, name: &str, value: &str) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let upserted = sqlx::query(
            "INSERT INTO uws_job_info (job_id, name, seq, value) \
             SELECT $1, $2, (SELECT COUNT(*) FROM uws_job_info WHERE job_id = $1), $3 \
             WHERE EXISTS (SELECT 1 FROM uws_job WHERE job_id = $1 AND phase = $4) \
             ON CONFLICT (job_id, name) DO UPDATE SET value = excluded.value",
        )
        .bind(job_id)
        .bind(name)
        .bind(value)
        .bind(ExecutionPhase::Executing.as_str())
        .execute(&self.pool)
        .await?;
        Ok(upserted.rows_affected() > 0)
    }

    /// Forgets a job entirely. Returns whether it existed.
    pub async fn delete_job(&self, job_id: &str) -> Result<bool, UwsError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM uws_job WHERE job_id = $1").bind(job_id).execute(&mut *tx).await?;
        for table in ["uws_parameter", "uws_result", "uws_job_info"] {
            let sql = format!("DELETE FROM {table} WHERE job_id = $1");
            sqlx::query(AssertSqlSafe(sql)).bind(job_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// Puts a job in ARCHIVED: metadata kept, results and uploads forgotten.
    pub async fn archive_job(&self, job_id: &str) -> Result<(), UwsError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE uws_job SET phase = $1, destruction_time = NULL WHERE job_id = $2")
            .bind(ExecutionPhase::Archived.as_str())
            .bind(job_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM uws_result WHERE job_id = $1").bind(job_id).execute(&mut *tx).await?;
        sqlx::query("UPDATE uws_parameter SET upload_stored_name = NULL WHERE job_id = $1")
            .bind(job_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Jobs whose destruction time is at or before `now` (at most `limit` of them).
    pub async fn due_for_destruction(&self, now: Millis, limit: u64) -> Result<Vec<String>, UwsError> {
        let rows =
            sqlx::query("SELECT job_id FROM uws_job WHERE destruction_time <= $1 ORDER BY destruction_time LIMIT $2")
                .bind(now)
                .bind(as_i64(limit))
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("job_id")?)).collect()
    }

    /// Every stored job id (used once at start-up to find orphaned job directories).
    pub async fn all_job_ids(&self) -> Result<Vec<String>, UwsError> {
        let rows = sqlx::query("SELECT job_id FROM uws_job").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get("job_id")?)).collect()
    }

    /// Jobs that were QUEUED or EXECUTING when the previous server process stopped can never
    /// finish: they go to ERROR with `message`. Returns how many there were.
    pub async fn fail_interrupted_jobs(&self, message: &str, now: Millis) -> Result<u64, UwsError> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE uws_job SET phase = $1, end_time = $2, error_type = $3, error_message = $4 WHERE phase IN ($5, $6, $7)",
        )
        .bind(ExecutionPhase::Error.as_str())
        .bind(now)
        .bind(ErrorType::Transient.as_str())
        .bind(message)
        .bind(ExecutionPhase::Queued.as_str())
        .bind(ExecutionPhase::Executing.as_str())
        .bind(ExecutionPhase::Suspended.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

/// The new phase of a job and what to record with it (`None` keeps the stored value).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhaseChange<'a> {
    pub to: ExecutionPhase,
    pub start_time: Option<Millis>,
    pub end_time: Option<Millis>,
    pub error: Option<&'a JobError>,
}

impl<'a> PhaseChange<'a> {
    pub fn to(to: ExecutionPhase) -> Self {
        PhaseChange { to, start_time: None, end_time: None, error: None }
    }
    pub fn started(mut self, at: Millis) -> Self {
        self.start_time = Some(at);
        self
    }
    pub fn ended(mut self, at: Millis) -> Self {
        self.end_time = Some(at);
        self
    }
    pub fn with_error(mut self, error: Option<&'a JobError>) -> Self {
        self.error = error;
        self
    }
}

/// Rows per multi-row INSERT, well under SQLite's limit on bound variables.
const PARAMETER_ROWS_PER_INSERT: usize = 200;

async fn insert_parameters(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    job_id: &str,
    first_seq: i64,
    parameters: &[JobParameter],
) -> Result<(), UwsError> {
    for (chunk_index, chunk) in parameters.chunks(PARAMETER_ROWS_PER_INSERT).enumerate() {
        let mut sql = String::from(
            "INSERT INTO uws_parameter (job_id, seq, name, value, upload_stored_name, upload_file_name, \
             upload_content_type) VALUES ",
        );
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let base = i * 7;
                let cols: Vec<String> = (1..=7).map(|c| format!("${}", base + c)).collect();
                format!("({})", cols.join(", "))
            })
            .collect();
        sql.push_str(&rows.join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (i, parameter) in chunk.iter().enumerate() {
            let seq = first_seq + as_i64((chunk_index * PARAMETER_ROWS_PER_INSERT + i) as u64);
            let upload = parameter.upload.as_ref();
            query = query
                .bind(job_id.to_string())
                .bind(seq)
                .bind(parameter.name.clone())
                .bind(parameter.value.clone())
                .bind(upload.map(|u| u.stored_name.clone()))
                .bind(upload.and_then(|u| u.client_file_name.clone()))
                .bind(upload.and_then(|u| u.content_type.clone()));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

fn phase_of(row: &AnyRow, job_id: &str) -> Result<ExecutionPhase, UwsError> {
    let text: String = row.try_get("phase")?;
    text.parse()
        .map_err(|_| UwsError::Corrupt { job_id: job_id.to_string(), detail: format!("unknown phase '{text}'") })
}

fn owner_from_key(key: String) -> Option<String> {
    if key == ANONYMOUS { None } else { Some(key) }
}

fn as_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn as_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
