-- The officials' web app and the citizen portal: server-side sessions (only a digest of
-- the cookie is stored), failed sign-ins for lockout, and the portal's tracking codes
-- (only a digest of the code is stored).
CREATE TABLE web_sessions (
    id_digest text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- One row per failed sign-in, keyed by account ("user:...") and by client ("client:...").
CREATE TABLE login_failures (
    key text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE tracking_codes (
    code_digest text PRIMARY KEY,
    petition_id uuid NOT NULL UNIQUE REFERENCES petitions(id),
    created_at timestamptz NOT NULL
);

-- The worklist orders by the nearest open deadline of each petition.
CREATE INDEX deadlines_petition_open ON deadlines (petition_id, state, due_on);
CREATE INDEX petitions_petitioner ON petitions (petitioner_folded) WHERE petitioner_folded IS NOT NULL;
CREATE INDEX petitions_target ON petitions (target_folded) WHERE target_folded IS NOT NULL;
