-- Document intake: encrypted content-addressed blobs, documents, resumable uploads, page
-- images, custody of original evidence, closure days and the office's upload policy.
ALTER TABLE offices ADD COLUMN upload_within_days INTEGER NOT NULL DEFAULT 3;

CREATE TABLE closures (
    id INTEGER PRIMARY KEY,
    office_id INTEGER REFERENCES offices(id),
    day TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX closures_day ON closures(day);

CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    blob_hash TEXT NOT NULL REFERENCES blobs(hash),
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    pages INTEGER,
    status TEXT NOT NULL,
    attention_code TEXT,
    attention_reason TEXT,
    duplicate_of INTEGER REFERENCES documents(id),
    received_on TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    uploaded_on TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    source TEXT NOT NULL,
    source_key TEXT UNIQUE,
    original_evidence INTEGER NOT NULL DEFAULT 0,
    return_by TEXT,
    custody TEXT,
    previews TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX documents_office_received ON documents(office_id, received_on);
CREATE INDEX documents_office_uploaded ON documents(office_id, uploaded_on);
CREATE INDEX documents_office_blob ON documents(office_id, blob_hash);
CREATE INDEX documents_previews ON documents(previews);

CREATE TABLE custody_events (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX custody_events_document ON custody_events(document_id);

CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    user_id INTEGER REFERENCES users(id),
    length INTEGER NOT NULL,
    filename TEXT NOT NULL,
    received_on TEXT NOT NULL,
    original_evidence INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    document_id INTEGER REFERENCES documents(id)
);
CREATE INDEX uploads_expires ON uploads(expires_at);

CREATE TABLE page_images (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page INTEGER NOT NULL,
    kind TEXT NOT NULL,
    blob_hash TEXT NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (document_id, page, kind)
);
