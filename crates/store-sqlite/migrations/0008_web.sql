-- The officials' web app and the citizen portal: server-side sessions (only a digest of
-- the cookie is stored), failed sign-ins for lockout, and the portal's tracking codes
-- (only a digest of the code is stored).
CREATE TABLE web_sessions (
    id_digest TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- One row per failed sign-in, keyed by account ("user:...") and by client ("client:...").
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE tracking_codes (
    code_digest TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL UNIQUE REFERENCES petitions(id),
    created_at TEXT NOT NULL
);

-- The worklist orders by the nearest open deadline of each petition.
CREATE INDEX deadlines_petition_open ON deadlines (petition_id, state, due_on);
CREATE INDEX petitions_petitioner ON petitions (petitioner_folded) WHERE petitioner_folded IS NOT NULL;
CREATE INDEX petitions_target ON petitions (target_folded) WHERE target_folded IS NOT NULL;
