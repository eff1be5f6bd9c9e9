-- The legal deadlines running on each petition, with how each due date was reached.
CREATE TABLE deadlines (
    id uuid PRIMARY KEY,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    rule_id text NOT NULL,
    start_event text NOT NULL,
    start_on date NOT NULL,
    complexity text NOT NULL,
    remote boolean NOT NULL,
    extensions bigint NOT NULL,
    pauses_json text NOT NULL,
    -- NULL while the clock is stopped by a temporary suspension.
    due_on date,
    explanation_json text NOT NULL,
    -- open, met (the step was done on met_on) or closed (the item left the unit).
    state text NOT NULL,
    met_on date,
    updated_at timestamptz NOT NULL
);

CREATE INDEX deadlines_petition ON deadlines (petition_id);
CREATE INDEX deadlines_open_due ON deadlines (state, due_on);

-- Bumped on every schedule change so each server process knows to reload its calendar.
CREATE TABLE calendar_version (
    id bigint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);
