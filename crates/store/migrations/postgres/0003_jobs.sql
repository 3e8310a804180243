-- The job queue: background work (page images now, OCR and profiling later) that survives
-- restarts. A claimed job carries a lease; a worker that dies loses it and the job is taken
-- again. Failures are retried with backoff, then kept as dead letters with their error.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_ready ON jobs(state, run_at);

-- Documents recorded before the queue existed get their page-image job.
INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at)
SELECT 'page_images', '{"document_id":' || id::text || '}', 'queued', 0, 5, 0, 0
FROM documents WHERE previews = 'pending';
