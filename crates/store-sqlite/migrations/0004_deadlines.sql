-- The legal deadlines running on each petition, with how each due date was reached.
CREATE TABLE deadlines (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    rule_id TEXT NOT NULL,
    start_event TEXT NOT NULL,
    start_on TEXT NOT NULL,
    complexity TEXT NOT NULL,
    remote INTEGER NOT NULL,
    extensions INTEGER NOT NULL,
    pauses_json TEXT NOT NULL,
    -- NULL while the clock is stopped by a temporary suspension.
    due_on TEXT,
    explanation_json TEXT NOT NULL,
    -- open, met (the step was done on met_on) or closed (the item left the unit).
    state TEXT NOT NULL,
    met_on TEXT,
    updated_at TEXT NOT NULL
);

CREATE INDEX deadlines_petition ON deadlines (petition_id);
CREATE INDEX deadlines_open_due ON deadlines (state, due_on);

-- Bumped on every schedule change so each server process knows to reload its calendar.
CREATE TABLE calendar_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);
