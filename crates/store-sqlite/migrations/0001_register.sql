-- The petition register (SQLite). Ids are UUIDs as hyphenated text, dates ISO 8601
-- text, timestamps RFC 3339 text in UTC, booleans 0/1.

CREATE TABLE units (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES units(id),
    active INTEGER NOT NULL DEFAULT 1,
    successor_id TEXT REFERENCES units(id),
    dissolved_on TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, unit_id, role)
);

CREATE TABLE api_tokens (
    token_digest TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reference_counters (
    unit_id TEXT NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE petitions (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    ref_seq INTEGER NOT NULL,
    ref_year INTEGER NOT NULL,
    ref_unit_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_on TEXT NOT NULL,
    written_on TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT REFERENCES users(id),
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    status TEXT NOT NULL,
    petitioner_type TEXT NOT NULL,
    -- NULL when the identity is sealed (denunciations): see sealed_identities.
    petitioner_json TEXT,
    petitioner_folded TEXT,
    cccd_digest TEXT,
    head_count INTEGER NOT NULL,
    signed INTEGER NOT NULL,
    target_json TEXT,
    target_folded TEXT,
    content TEXT NOT NULL,
    content_folded TEXT NOT NULL,
    forwarded_from_json TEXT,
    reception_json TEXT,
    eligible INTEGER NOT NULL,
    process_json TEXT NOT NULL,
    split_from TEXT REFERENCES petitions(id),
    source_petition_id TEXT REFERENCES petitions(id),
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, ref_year, ref_seq)
);

CREATE INDEX petitions_unit_received ON petitions (unit_id, received_on DESC);
CREATE INDEX petitions_case ON petitions (case_id);
CREATE INDEX petitions_status ON petitions (status, unit_id);
CREATE INDEX petitions_cccd ON petitions (cccd_digest) WHERE cccd_digest IS NOT NULL;

-- A denouncer's identity, encrypted with a key kept outside the database.
CREATE TABLE sealed_identities (
    petition_id TEXT PRIMARY KEY NOT NULL REFERENCES petitions(id),
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    at TEXT NOT NULL,
    actor_id TEXT REFERENCES users(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    reason TEXT,
    before_json TEXT,
    after_json TEXT,
    details_json TEXT
);

CREATE INDEX audit_events_petition ON audit_events (petition_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE forwardings (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    case_id TEXT NOT NULL,
    petition_kind TEXT NOT NULL,
    from_unit_id TEXT NOT NULL REFERENCES units(id),
    to_unit_id TEXT REFERENCES units(id),
    to_body TEXT,
    chase_up INTEGER NOT NULL,
    forwarded_on TEXT NOT NULL,
    copy_petition_id TEXT REFERENCES petitions(id),
    created_at TEXT NOT NULL
);

CREATE INDEX forwardings_petition ON forwardings (petition_id);
CREATE INDEX forwardings_case ON forwardings (case_id, petition_kind);
CREATE INDEX forwardings_to_unit ON forwardings (to_unit_id);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);

CREATE INDEX attachments_petition ON attachments (petition_id);
