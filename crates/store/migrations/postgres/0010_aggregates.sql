-- Analysts' figures for the whole country are one grouped count per figure, not one query per
-- office: these indexes let the week's completions and documents be read as a range of days.
CREATE INDEX work_items_completed_day ON work_items(completed_on, office_id, status, due_on);
CREATE INDEX documents_received_day ON documents(received_on, office_id, status, profile_status);
-- The audit page filters by who and by what, newest first.
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
