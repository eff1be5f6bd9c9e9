-- Letters and forms issued on a petition: numbered per unit and year (sổ văn bản đi),
-- the file kept as an attachment (sealed when it names a denouncer), with its hash.
CREATE TABLE document_counters (
    unit_id uuid NOT NULL REFERENCES units(id),
    year bigint NOT NULL,
    last_value bigint NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE issued_documents (
    id uuid PRIMARY KEY,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    unit_id uuid NOT NULL REFERENCES units(id),
    attachment_id uuid NOT NULL REFERENCES attachments(id),
    template_code text NOT NULL,
    year bigint NOT NULL,
    seq bigint NOT NULL,
    number text NOT NULL,
    title text NOT NULL,
    sha256 text NOT NULL,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    UNIQUE (unit_id, year, seq)
);
CREATE INDEX issued_documents_petition ON issued_documents (petition_id);
