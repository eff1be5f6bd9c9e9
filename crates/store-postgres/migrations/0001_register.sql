-- The petition register (PostgreSQL).

CREATE TABLE units (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    kind text NOT NULL,
    parent_id uuid REFERENCES units(id),
    active boolean NOT NULL DEFAULT true,
    successor_id uuid REFERENCES units(id),
    dissolved_on date,
    created_at timestamptz NOT NULL
);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    username text NOT NULL UNIQUE,
    full_name text NOT NULL,
    password_hash text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users(id),
    unit_id uuid NOT NULL REFERENCES units(id),
    role text NOT NULL,
    PRIMARY KEY (user_id, unit_id, role)
);

CREATE TABLE api_tokens (
    token_digest text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    label text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE cases (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL
);

CREATE TABLE reference_counters (
    unit_id uuid NOT NULL REFERENCES units(id),
    year bigint NOT NULL,
    last_value bigint NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE petitions (
    id uuid PRIMARY KEY,
    unit_id uuid NOT NULL REFERENCES units(id),
    case_id uuid NOT NULL REFERENCES cases(id),
    ref_seq bigint NOT NULL,
    ref_year bigint NOT NULL,
    ref_unit_code text NOT NULL,
    channel text NOT NULL,
    received_on date NOT NULL,
    written_on date,
    recorded_at timestamptz NOT NULL,
    recorded_by uuid REFERENCES users(id),
    kind text NOT NULL,
    field text NOT NULL,
    status text NOT NULL,
    petitioner_type text NOT NULL,
    -- NULL when the identity is sealed (denunciations): see sealed_identities.
    petitioner_json text,
    petitioner_folded text,
    cccd_digest text,
    head_count bigint NOT NULL,
    signed boolean NOT NULL,
    target_json text,
    target_folded text,
    content text NOT NULL,
    content_folded text NOT NULL,
    forwarded_from_json text,
    reception_json text,
    eligible boolean NOT NULL,
    process_json text NOT NULL,
    split_from uuid REFERENCES petitions(id),
    source_petition_id uuid REFERENCES petitions(id),
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (unit_id, ref_year, ref_seq)
);

CREATE INDEX petitions_unit_received ON petitions (unit_id, received_on DESC);
CREATE INDEX petitions_case ON petitions (case_id);
CREATE INDEX petitions_status ON petitions (status, unit_id);
CREATE INDEX petitions_cccd ON petitions (cccd_digest) WHERE cccd_digest IS NOT NULL;

-- A denouncer's identity, encrypted with a key kept outside the database.
CREATE TABLE sealed_identities (
    petition_id uuid PRIMARY KEY REFERENCES petitions(id),
    nonce bytea NOT NULL,
    ciphertext bytea NOT NULL
);

CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    at timestamptz NOT NULL,
    actor_id uuid REFERENCES users(id),
    action text NOT NULL,
    from_status text,
    to_status text,
    reason text,
    before_json text,
    after_json text,
    details_json text
);

CREATE INDEX audit_events_petition ON audit_events (petition_id, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_digest text NOT NULL,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE forwardings (
    id uuid PRIMARY KEY,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    case_id uuid NOT NULL,
    petition_kind text NOT NULL,
    from_unit_id uuid NOT NULL REFERENCES units(id),
    to_unit_id uuid REFERENCES units(id),
    to_body text,
    chase_up boolean NOT NULL,
    forwarded_on date NOT NULL,
    copy_petition_id uuid REFERENCES petitions(id),
    created_at timestamptz NOT NULL
);

CREATE INDEX forwardings_petition ON forwardings (petition_id);
CREATE INDEX forwardings_case ON forwardings (case_id, petition_kind);
CREATE INDEX forwardings_to_unit ON forwardings (to_unit_id);

CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    petition_id uuid NOT NULL REFERENCES petitions(id),
    file_name text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    uploaded_by uuid REFERENCES users(id),
    uploaded_at timestamptz NOT NULL
);

CREATE INDEX attachments_petition ON attachments (petition_id);
