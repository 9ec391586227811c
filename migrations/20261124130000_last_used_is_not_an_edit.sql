-- Opening or running a flow sets its `last_used_at` (seed 004's last_used); that is using
-- the flow, not changing it, so it leaves `updated_at` alone.
DROP TRIGGER compositions_touch;
CREATE TRIGGER compositions_touch AFTER UPDATE ON compositions
WHEN NEW.updated_at = OLD.updated_at AND NEW.last_used_at IS OLD.last_used_at
BEGIN
    UPDATE compositions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
