-- Supervisory recommendations of the overseeing bodies (MTTQ, Party inspection
-- committee) to units, and their answers; petitions flagged as sent above the competent
-- level (vượt cấp); and the leader assigned to each complex, long-running case.
CREATE TABLE oversight_recommendations (
    id uuid PRIMARY KEY,
    from_unit_id uuid NOT NULL REFERENCES units(id),
    to_unit_id uuid NOT NULL REFERENCES units(id),
    sent_on date NOT NULL,
    due_on date NOT NULL,
    answered_on date,
    data_json text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX oversight_recommendations_to ON oversight_recommendations (to_unit_id, sent_on);
CREATE INDEX oversight_recommendations_from ON oversight_recommendations (from_unit_id, sent_on);

CREATE TABLE level_skipping_flags (
    petition_id uuid PRIMARY KEY REFERENCES petitions(id),
    competent_unit_id uuid NOT NULL REFERENCES units(id),
    note text NOT NULL,
    flagged_by uuid REFERENCES users(id),
    flagged_at timestamptz NOT NULL
);
CREATE INDEX level_skipping_flags_unit ON level_skipping_flags (competent_unit_id);

-- No foreign key to cases: a case emptied by linking its petitions elsewhere is deleted,
-- and its leader, if any, is then simply no longer shown.
CREATE TABLE case_leaders (
    case_id uuid PRIMARY KEY,
    leader text NOT NULL,
    note text NOT NULL,
    assigned_by uuid REFERENCES users(id),
    assigned_at timestamptz NOT NULL
);
