-- The audit chain is keyed (HMAC-SHA-256 with a key derived from the master key) from row
-- `keyed_from` on; rows before it were chained with plain SHA-256. The first connection after
-- this migration records the boundary with `keyed_mac`, an HMAC of it, so the boundary cannot
-- be moved without the key.
ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER;
ALTER TABLE audit_head ADD COLUMN keyed_mac TEXT;
