-- Letters and forms issued on a petition: numbered per unit and year (sổ văn bản đi),
-- the file kept as an attachment (sealed when it names a denouncer), with its hash.
CREATE TABLE document_counters (
    unit_id TEXT NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE issued_documents (
    id TEXT PRIMARY KEY NOT NULL,
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    attachment_id TEXT NOT NULL REFERENCES attachments(id),
    template_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, year, seq)
);
CREATE INDEX issued_documents_petition ON issued_documents (petition_id);
