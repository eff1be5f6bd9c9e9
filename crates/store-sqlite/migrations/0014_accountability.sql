-- Holding units and heads to account: leaders' reception sessions with the cases proposed
-- for them, the conclusion notice and its follow-up tasks, and the register of officials'
-- violations. Each row keeps its whole record as JSON (written and read by the store's
-- model) beside the columns queries filter and sort on.
CREATE TABLE reception_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    host_unit_id TEXT NOT NULL REFERENCES units(id),
    scheduled_on TEXT NOT NULL,
    status TEXT NOT NULL,
    data_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reception_sessions_unit ON reception_sessions (unit_id, scheduled_on);
CREATE INDEX reception_sessions_host ON reception_sessions (host_unit_id, scheduled_on);

CREATE TABLE session_cases (
    session_id TEXT NOT NULL REFERENCES reception_sessions(id),
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    position INTEGER NOT NULL,
    proposal TEXT NOT NULL,
    proposed_by TEXT REFERENCES users(id),
    proposed_at TEXT NOT NULL,
    PRIMARY KEY (session_id, petition_id)
);
CREATE INDEX session_cases_petition ON session_cases (petition_id);

-- The conclusion notice, numbered with the organising unit's documents of the year.
CREATE TABLE session_documents (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES reception_sessions(id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX session_documents_session ON session_documents (session_id);

CREATE TABLE follow_up_tasks (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES reception_sessions(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    petition_id TEXT REFERENCES petitions(id),
    due_on TEXT NOT NULL,
    done_on TEXT,
    data_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX follow_up_tasks_unit ON follow_up_tasks (unit_id, due_on);
CREATE INDEX follow_up_tasks_session ON follow_up_tasks (session_id);

CREATE TABLE violations (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    found_by_unit_id TEXT NOT NULL REFERENCES units(id),
    found_on TEXT NOT NULL,
    data_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX violations_unit ON violations (unit_id, found_on);
CREATE INDEX violations_found_by ON violations (found_by_unit_id, found_on);

CREATE TABLE violation_petitions (
    violation_id TEXT NOT NULL REFERENCES violations(id),
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    PRIMARY KEY (violation_id, petition_id)
);
CREATE INDEX violation_petitions_petition ON violation_petitions (petition_id);
