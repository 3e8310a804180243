-- A queue page and its counts read only this index: the counts of an office's open work (by
-- status, due date, age and assignee) no longer look up each item's row.
DROP INDEX work_items_open;
CREATE INDEX work_items_open ON work_items(office_id, open, due_on, id, status, received_on, assignee_id);
CREATE INDEX work_items_received ON work_items(office_id, open, received_on);

-- Where a manager's daily digest of overdue work goes, and which digests have gone out: one per
-- manager per office day, kept so that a restart does not send it twice. A digest is claimed
-- before it is sent and marked sent after; a claim without a send is taken again after a while.
ALTER TABLE users ADD COLUMN email TEXT;
CREATE TABLE digests_sent (
    user_id INTEGER NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    overdue INTEGER NOT NULL,
    claimed_at INTEGER NOT NULL,
    sent_at INTEGER,
    PRIMARY KEY (user_id, day)
);
