-- Profiling: the catalogue (workloads, document types, profile codes), the classifier's model
-- versions, and each document's extracted fields, suggestion and confirmed profile.
CREATE TABLE workloads (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE document_types (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- Printed form numbers, comma-separated, most specific first.
    form_numbers TEXT NOT NULL
);
CREATE TABLE profile_codes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document_type TEXT NOT NULL REFERENCES document_types(code),
    workload TEXT NOT NULL REFERENCES workloads(code),
    deadline_days INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL
);

-- Each confirmation writes the next version; older ones are pruned to the last few.
CREATE TABLE classifier_models (
    version INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    trained_on INTEGER REFERENCES documents(id),
    created_at INTEGER NOT NULL
);

-- Auto-accept: 1 = on once the model's measured precision on this office's confirmed
-- documents reaches the target; 0 = every document goes to a person.
ALTER TABLE offices ADD COLUMN auto_accept INTEGER NOT NULL DEFAULT 1;

ALTER TABLE documents ADD COLUMN profile_status TEXT NOT NULL DEFAULT 'none';
CREATE INDEX documents_office_profile ON documents(office_id, profile_status);

CREATE TABLE document_profiles (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    office_id INTEGER NOT NULL REFERENCES offices(id),
    -- Extraction: fields as JSON (no SSN among them); SSNs found, encrypted, as JSON.
    fields TEXT NOT NULL DEFAULT '[]',
    ssns TEXT NOT NULL DEFAULT '[]',
    form_numbers TEXT NOT NULL DEFAULT '[]',
    attention TEXT,
    -- The classifier's suggestion.
    suggested_code TEXT,
    confidence REAL,
    raw_confidence REAL,
    ranked TEXT NOT NULL DEFAULT '[]',
    reasons TEXT NOT NULL DEFAULT '[]',
    model_version INTEGER,
    suggested_claimant_id INTEGER REFERENCES claimants(id),
    suggested_at INTEGER,
    -- The profile a person confirmed (or the office's auto-accept took).
    profile_code TEXT,
    claimant_id INTEGER REFERENCES claimants(id),
    profile_fields TEXT,
    due_on TEXT,
    suggestion_correct INTEGER,
    auto_accepted INTEGER NOT NULL DEFAULT 0,
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at INTEGER
);
CREATE INDEX document_profiles_office_confirmed ON document_profiles(office_id, confirmed_at);

-- The pixel size of the image OCR read (after turning it upright), so word boxes can be drawn
-- over the page image; 0 for text-layer pages.
ALTER TABLE page_texts ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE page_texts ADD COLUMN height INTEGER NOT NULL DEFAULT 0;

-- Documents read before profiling existed are read again, so extraction (which needs the
-- unmasked text, never stored) can run and they reach the profiling queue.
INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at)
SELECT 'text', '{"document_id":' || id || '}', 'queued', 0, 3, 0, 0
FROM documents WHERE text_status IN ('done', 'partial');
