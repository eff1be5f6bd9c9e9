-- Supervisory recommendations of the overseeing bodies (MTTQ, Party inspection
-- committee) to units, and their answers; petitions flagged as sent above the competent
-- level (vượt cấp); and the leader assigned to each complex, long-running case.
CREATE TABLE oversight_recommendations (
    id TEXT PRIMARY KEY NOT NULL,
    from_unit_id TEXT NOT NULL REFERENCES units(id),
    to_unit_id TEXT NOT NULL REFERENCES units(id),
    sent_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    answered_on TEXT,
    data_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX oversight_recommendations_to ON oversight_recommendations (to_unit_id, sent_on);
CREATE INDEX oversight_recommendations_from ON oversight_recommendations (from_unit_id, sent_on);

CREATE TABLE level_skipping_flags (
    petition_id TEXT PRIMARY KEY NOT NULL REFERENCES petitions(id),
    competent_unit_id TEXT NOT NULL REFERENCES units(id),
    note TEXT NOT NULL,
    flagged_by TEXT REFERENCES users(id),
    flagged_at TEXT NOT NULL
);
CREATE INDEX level_skipping_flags_unit ON level_skipping_flags (competent_unit_id);

-- No foreign key to cases: a case emptied by linking its petitions elsewhere is deleted,
-- and its leader, if any, is then simply no longer shown.
CREATE TABLE case_leaders (
    case_id TEXT PRIMARY KEY NOT NULL,
    leader TEXT NOT NULL,
    note TEXT NOT NULL,
    assigned_by TEXT REFERENCES users(id),
    assigned_at TEXT NOT NULL
);
