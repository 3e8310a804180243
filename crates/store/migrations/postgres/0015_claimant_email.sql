-- A claimant's e-mail address, when one is on file: AES-256-GCM ciphertext only (like the SSN),
-- never the address itself. Appointment reminders go to it by e-mail instead of by letter.
ALTER TABLE claimants ADD COLUMN email_cipher BYTEA;
