-- Work schedules and appointments: each employee's default week and dated overrides, the swaps
-- employees ask for, the appointment types an office offers, the appointments booked, and the
-- cells that make double booking impossible.

-- An employee's default week: per weekday (0 = Monday) the mode and hours, in minutes after
-- midnight on the office's wall clock. A weekday without a row is the office's standard day.
CREATE TABLE work_weeks (
    user_id BIGINT NOT NULL REFERENCES users(id),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute BIGINT NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, weekday)
);

-- A dated change to the week: a swapped telework day, a training day, a day off.
CREATE TABLE schedule_overrides (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute BIGINT NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    note TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, day)
);

-- A change an employee asks for; the manager approves (it becomes an override) or declines.
CREATE TABLE schedule_requests (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('office', 'telework', 'field', 'off')),
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decision_note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX schedule_requests_user ON schedule_requests(user_id, status);

CREATE TABLE appointment_types (
    id BIGSERIAL PRIMARY KEY,
    office_id BIGINT NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'video', 'in_person')),
    duration_min BIGINT NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
    buffer_before_min BIGINT NOT NULL CHECK (buffer_before_min BETWEEN 0 AND 120),
    buffer_after_min BIGINT NOT NULL CHECK (buffer_after_min BETWEEN 0 AND 120),
    min_notice_min BIGINT NOT NULL CHECK (min_notice_min BETWEEN 0 AND 43200),
    horizon_days BIGINT NOT NULL CHECK (horizon_days BETWEEN 1 AND 365),
    -- Space-separated skills; empty: anyone may serve it.
    skills TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity BETWEEN 0 AND 500),
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    UNIQUE (office_id, name)
);

CREATE TABLE appointments (
    id BIGSERIAL PRIMARY KEY,
    office_id BIGINT NOT NULL REFERENCES offices(id),
    type_id BIGINT NOT NULL REFERENCES appointment_types(id),
    claimant_id BIGINT NOT NULL REFERENCES claimants(id),
    staff_id BIGINT NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    -- The phone number to call or the video link (never an SSN; not shown to analysts).
    contact TEXT NOT NULL,
    workload TEXT NOT NULL,
    -- JSON: interpreter language, sign language, accessible room, large print, companion.
    accommodations TEXT NOT NULL,
    work_item_id BIGINT REFERENCES work_items(id),
    state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'no_show', 'completed')),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX appointments_office_start ON appointments(office_id, start_ms);
CREATE INDEX appointments_staff_start ON appointments(staff_id, start_ms);
CREATE INDEX appointments_claimant ON appointments(claimant_id);

-- Who did what to an appointment, and why.
CREATE TABLE appointment_events (
    id BIGSERIAL PRIMARY KEY,
    appointment_id BIGINT NOT NULL REFERENCES appointments(id),
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    from_start_ms BIGINT,
    to_start_ms BIGINT,
    actor_id BIGINT REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX appointment_events_appointment ON appointment_events(appointment_id, id);

-- No double booking, enforced by the database: every 15-minute cell of an employee's time taken
-- by a booked appointment (its buffers included) is one row, so a second appointment touching
-- the same cell cannot be inserted whatever the application does; in person, each cell also
-- holds one of the type's rooms or desks (0 .. capacity - 1). A cancelled, missed or completed
-- appointment gives its cells back.
CREATE TABLE appointment_cells (
    staff_id BIGINT NOT NULL REFERENCES users(id),
    cell_ms BIGINT NOT NULL,
    appointment_id BIGINT NOT NULL REFERENCES appointments(id),
    PRIMARY KEY (staff_id, cell_ms)
);
CREATE INDEX appointment_cells_appointment ON appointment_cells(appointment_id);
CREATE TABLE appointment_rooms (
    type_id BIGINT NOT NULL REFERENCES appointment_types(id),
    cell_ms BIGINT NOT NULL,
    room BIGINT NOT NULL,
    appointment_id BIGINT NOT NULL REFERENCES appointments(id),
    PRIMARY KEY (type_id, cell_ms, room)
);
CREATE INDEX appointment_rooms_appointment ON appointment_rooms(appointment_id);

-- Reminders waiting to go out (to the claimant by letter or e-mail, to the employee by e-mail);
-- a server claims one by setting claimed_at, so several servers send each once.
CREATE TABLE appointment_reminders (
    id BIGSERIAL PRIMARY KEY,
    appointment_id BIGINT NOT NULL REFERENCES appointments(id),
    recipient TEXT NOT NULL CHECK (recipient IN ('claimant', 'employee')),
    via TEXT NOT NULL CHECK (via IN ('letter', 'email')),
    due_ms BIGINT NOT NULL,
    claimed_at BIGINT,
    sent_at BIGINT,
    failure TEXT,
    UNIQUE (appointment_id, recipient)
);
CREATE INDEX appointment_reminders_due ON appointment_reminders(due_ms) WHERE sent_at IS NULL;

-- A private calendar feed per employee: the key is kept hashed; revoking sets revoked_at.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);
