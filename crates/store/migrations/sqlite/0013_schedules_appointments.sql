-- Work schedules and appointments: each employee's default week and dated overrides, the swaps
-- employees ask for, the appointment types an office offers, the appointments booked, and the
-- cells that make double booking impossible.

-- An employee's default week: per weekday (0 = Monday) the mode and hours, in minutes after
-- midnight on the office's wall clock. A weekday without a row is the office's standard day.
CREATE TABLE work_weeks (
    user_id INTEGER NOT NULL REFERENCES users(id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, weekday)
);

-- A dated change to the week: a swapped telework day, a training day, a day off.
CREATE TABLE schedule_overrides (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    note TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, day)
);

-- A change an employee asks for; the manager approves (it becomes an override) or declines.
CREATE TABLE schedule_requests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    decision_note TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX schedule_requests_user ON schedule_requests(user_id, status);

CREATE TABLE appointment_types (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'video', 'in_person')),
    duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
    buffer_before_min INTEGER NOT NULL CHECK (buffer_before_min BETWEEN 0 AND 120),
    buffer_after_min INTEGER NOT NULL CHECK (buffer_after_min BETWEEN 0 AND 120),
    min_notice_min INTEGER NOT NULL CHECK (min_notice_min BETWEEN 0 AND 43200),
    horizon_days INTEGER NOT NULL CHECK (horizon_days BETWEEN 1 AND 365),
    -- Space-separated skills; empty: anyone may serve it.
    skills TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 500),
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (office_id, name)
);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    office_id INTEGER NOT NULL REFERENCES offices(id),
    type_id INTEGER NOT NULL REFERENCES appointment_types(id),
    claimant_id INTEGER NOT NULL REFERENCES claimants(id),
    staff_id INTEGER NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    -- The phone number to call or the video link (never an SSN; not shown to analysts).
    contact TEXT NOT NULL,
    workload TEXT NOT NULL,
    -- JSON: interpreter language, sign language, accessible room, large print, companion.
    accommodations TEXT NOT NULL,
    work_item_id INTEGER REFERENCES work_items(id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'no_show', 'completed')),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX appointments_office_start ON appointments(office_id, start_ms);
CREATE INDEX appointments_staff_start ON appointments(staff_id, start_ms);
CREATE INDEX appointments_claimant ON appointments(claimant_id);

-- Who did what to an appointment, and why.
CREATE TABLE appointment_events (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    from_start_ms INTEGER,
    to_start_ms INTEGER,
    actor_id INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX appointment_events_appointment ON appointment_events(appointment_id, id);

-- No double booking, enforced by the database: every 15-minute cell of an employee's time taken
-- by a booked appointment (its buffers included) is one row, so a second appointment touching
-- the same cell cannot be inserted whatever the application does; in person, each cell also
-- holds one of the type's rooms or desks (0 .. capacity - 1). A cancelled, missed or completed
-- appointment gives its cells back.
CREATE TABLE appointment_cells (
    staff_id INTEGER NOT NULL REFERENCES users(id),
    cell_ms INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    PRIMARY KEY (staff_id, cell_ms)
);
CREATE INDEX appointment_cells_appointment ON appointment_cells(appointment_id);
CREATE TABLE appointment_rooms (
    type_id INTEGER NOT NULL REFERENCES appointment_types(id),
    cell_ms INTEGER NOT NULL,
    room INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    PRIMARY KEY (type_id, cell_ms, room)
);
CREATE INDEX appointment_rooms_appointment ON appointment_rooms(appointment_id);

-- Reminders waiting to go out (to the claimant by letter or e-mail, to the employee by e-mail);
-- a server claims one by setting claimed_at, so several servers send each once.
CREATE TABLE appointment_reminders (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    recipient TEXT NOT NULL CHECK (recipient IN ('claimant', 'employee')),
    via TEXT NOT NULL CHECK (via IN ('letter', 'email')),
    due_ms INTEGER NOT NULL,
    claimed_at INTEGER,
    sent_at INTEGER,
    failure TEXT,
    UNIQUE (appointment_id, recipient)
);
CREATE INDEX appointment_reminders_due ON appointment_reminders(due_ms) WHERE sent_at IS NULL;

-- A private calendar feed per employee: the key is kept hashed; revoking sets revoked_at.
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
