//! UWS 1.1 asynchronous job system with persistent jobs (SQLite or PostgreSQL) and a bounded worker pool.
