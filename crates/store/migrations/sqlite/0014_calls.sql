-- Phone service: calls read from the phone system's records, the tallies the figures are read
-- from, agents' events, events kept as they are, the agents mapped to employees, saved CSV
-- layouts, and each import's report. No call content and no caller number is kept.

-- The office's choices that the tallies are made with (the service level's limit T and the
-- short-abandon threshold; the formula shown by default); changing the limits recounts the
-- office's tallies from its calls.
CREATE TABLE call_settings (
    office_id INTEGER PRIMARY KEY REFERENCES offices(id),
    service_level_secs INTEGER NOT NULL CHECK (service_level_secs BETWEEN 1 AND 3600),
    formula TEXT NOT NULL CHECK (formula IN ('over_offered', 'over_answered_and_late_abandons')),
    short_abandon_secs INTEGER CHECK (short_abandon_secs BETWEEN 1 AND 600),
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL
);

-- One call in one queue. The key is the phone system's own identity of the call, so the same
-- records imported twice (or in overlapping exports) are one row. `day` and `hour` are the
-- office's calendar day and wall-clock hour when the call entered the queue.
CREATE TABLE calls (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    entered_ms INTEGER NOT NULL,
    queue TEXT NOT NULL,
    call_id TEXT NOT NULL,
    day TEXT NOT NULL,
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'abandoned', 'timed_out',
        'exited_by_key', 'queue_empty', 'blocked', 'no_answer', 'waiting')),
    wait_secs INTEGER NOT NULL,
    talk_secs INTEGER NOT NULL,
    hold_secs INTEGER NOT NULL,
    agent TEXT,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (office_id, entered_ms, queue, call_id)
) WITHOUT ROWID;

-- The sums of the calls per office, day, queue, hour and outcome (domain `OutcomeSums`), kept
-- as calls are stored: figures over months read these, not every call.
CREATE TABLE call_tallies (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    day TEXT NOT NULL,
    queue TEXT NOT NULL,
    hour INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    calls INTEGER NOT NULL,
    wait_secs INTEGER NOT NULL,
    talk_secs INTEGER NOT NULL,
    hold_secs INTEGER NOT NULL,
    within_limit INTEGER NOT NULL,
    over_limit INTEGER NOT NULL,
    short INTEGER NOT NULL,
    PRIMARY KEY (office_id, day, queue, hour, outcome)
) WITHOUT ROWID;

-- Agents logging in and out, joining and leaving queues, pausing: for time logged in. Keyed
-- by time first, as the file is written, so an import appends instead of inserting all over.
CREATE TABLE call_agent_events (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    agent TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    queue TEXT NOT NULL,
    PRIMARY KEY (office_id, at_ms, agent, kind, queue)
) WITHOUT ROWID;

-- Events that count in no figure (unknown to WorkTrack, outbound calls), kept as they were.
CREATE TABLE call_other_events (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    at_ms INTEGER NOT NULL,
    call_id TEXT NOT NULL,
    queue TEXT NOT NULL,
    agent TEXT NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (office_id, at_ms, call_id, queue, agent, event, data)
) WITHOUT ROWID;

-- The phone system's agents seen in an office's records, and the employee each one is.
CREATE TABLE call_agents (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    agent TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    first_seen_ms INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER,
    PRIMARY KEY (office_id, agent)
);

-- A phone system's own CSV layout, saved by name for the office's next imports.
CREATE TABLE call_layouts (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    layout TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (office_id, name)
);

-- Each import and its report.
CREATE TABLE call_imports (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    lines INTEGER NOT NULL DEFAULT 0,
    bad_lines INTEGER NOT NULL DEFAULT 0,
    calls_read INTEGER NOT NULL DEFAULT 0,
    calls_stored INTEGER NOT NULL DEFAULT 0,
    calls_completed INTEGER NOT NULL DEFAULT 0,
    calls_known INTEGER NOT NULL DEFAULT 0,
    waiting_at_end INTEGER NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX call_imports_office ON call_imports(office_id, id);
