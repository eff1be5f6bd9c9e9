-- The office's own versions of letters and forms (the shipped ones are data in the
-- release); the version in force on a letter's date applies.
CREATE TABLE letter_templates (
    code text NOT NULL,
    effective_from date NOT NULL,
    template_json text NOT NULL,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (code, effective_from)
);
