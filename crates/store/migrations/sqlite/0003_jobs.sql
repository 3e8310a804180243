-- The job queue: background work (page images now, OCR and profiling later) that survives
-- restarts. A claimed job carries a lease; a worker that dies loses it and the job is taken
-- again. Failures are retried with backoff, then kept as dead letters with their error.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_ready ON jobs(state, run_at);

-- Documents recorded before the queue existed get their page-image job.
INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at)
SELECT 'page_images', '{"document_id":' || id || '}', 'queued', 0, 5, 0, 0
FROM documents WHERE previews = 'pending';
