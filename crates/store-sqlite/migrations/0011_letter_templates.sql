-- The office's own versions of letters and forms (the shipped ones are data in the
-- release); the version in force on a letter's date applies.
CREATE TABLE letter_templates (
    code TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    template_json TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (code, effective_from)
);
