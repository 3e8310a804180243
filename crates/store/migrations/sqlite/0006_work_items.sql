-- Work items: what an office owes, with an owner, a business-day deadline and a history;
-- deadline policies, assignment rules, leave, saved views, notifications and the full-text
-- index over work and its (SSN-masked) document text.

-- What each workload needs: the skill to work it, its effort relative to a simple change (for
-- least-loaded assignment), and its default deadline for items made by hand.
CREATE TABLE workload_rules (
    workload TEXT PRIMARY KEY,
    skill TEXT,
    effort REAL NOT NULL DEFAULT 1,
    deadline_days INTEGER NOT NULL DEFAULT 10 CHECK (deadline_days BETWEEN 0 AND 365)
);
INSERT INTO workload_rules (workload, skill, effort, deadline_days) VALUES
    ('initial_disability', 'disability', 3, 20),
    ('initial_retirement', NULL, 2, 15),
    ('medical_cdr', 'disability', 2, 20),
    ('work_cdr', 'disability', 1.5, 15),
    ('ssi_redetermination', 'ssi', 1.5, 15),
    ('overpayment_waiver', NULL, 2, 15),
    ('reconsideration', 'disability', 2, 10),
    ('post_entitlement', NULL, 1, 10),
    ('enumeration', NULL, 0.5, 5),
    ('payee', NULL, 1, 10);

-- An office's own deadline for a workload, overriding the catalogue's.
CREATE TABLE deadline_policies (
    office_id INTEGER NOT NULL REFERENCES offices(id),
    workload TEXT NOT NULL,
    days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    PRIMARY KEY (office_id, workload)
);

ALTER TABLE offices ADD COLUMN assignment_rule TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE offices ADD COLUMN keep_what_you_take INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_assigned_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE leave (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (first_day <= last_day)
);
CREATE INDEX leave_user ON leave(user_id, last_day);

CREATE TABLE work_items (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    workload TEXT NOT NULL,
    claimant_id INTEGER REFERENCES claimants(id),
    title TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    -- 1 while the item is owed (new, assigned, in progress, waiting).
    open INTEGER NOT NULL DEFAULT 1,
    assignee_id INTEGER REFERENCES users(id),
    received_on TEXT NOT NULL,
    deadline_days INTEGER NOT NULL,
    -- Business days the clock has been paused, and since when it is paused now.
    paused_days INTEGER NOT NULL DEFAULT 0,
    waiting_since TEXT,
    due_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    completed_on TEXT,
    transferred_from INTEGER REFERENCES work_items(id),
    transferred_to INTEGER REFERENCES work_items(id)
);
CREATE INDEX work_items_open ON work_items(office_id, open, due_on, id);
CREATE INDEX work_items_status ON work_items(office_id, status, due_on, id);
CREATE INDEX work_items_next ON work_items(office_id, status, priority DESC, due_on, id);
CREATE INDEX work_items_workload ON work_items(office_id, workload, open, due_on, id);
CREATE INDEX work_items_assignee ON work_items(assignee_id, open, due_on, id);
CREATE INDEX work_items_claimant ON work_items(claimant_id, workload, open);
CREATE INDEX work_items_completed ON work_items(office_id, completed_on);

CREATE TABLE work_item_documents (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    added_at INTEGER NOT NULL
);
CREATE INDEX work_item_documents_item ON work_item_documents(work_item_id);

CREATE TABLE work_item_history (
    id INTEGER PRIMARY KEY,
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    assignee_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL
);
CREATE INDEX work_item_history_item ON work_item_history(work_item_id, id);

CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_item_id INTEGER REFERENCES work_items(id),
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);

-- Full text of each item: its title, workload, and the masked text of its documents. The
-- office column holds a token (o<id>) so a scoped search intersects with the office first.
CREATE VIRTUAL TABLE work_search USING fts5(office, body, tokenize = 'porter unicode61');
