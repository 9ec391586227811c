-- Facts about the workspace itself, e.g. when it was seeded. Seeding writes its marker in the
-- same transaction as the seed, so a workspace is seeded exactly once, or not at all.
CREATE TABLE workspace_meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
