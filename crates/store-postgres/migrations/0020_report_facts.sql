-- What the statutory tables and the dashboard read of each petition: its classification,
-- copied from `petitions`, and the first approval, conclusion, withdrawal, enforcement and
-- closure from the audit trail, kept by triggers in the very transaction that writes
-- each change. Reading a period's facts then costs one narrow row per petition, instead
-- of a petition row with its long content and six subqueries over its events.
-- `report_until` is the last day of a period start for which the petition can still
-- count: while it is pending (not processed, accepted and not resolved, decided and not
-- closed) it has none; otherwise the last day anything happened to it. This is
-- donthu_reports::Fact::settled_before in SQL; `last_on` is conservative (an event's UTC
-- day plus one is never earlier than its Vietnamese day).
CREATE TABLE report_facts (
    petition_id uuid PRIMARY KEY REFERENCES petitions(id),
    unit_id uuid NOT NULL,
    case_id uuid NOT NULL,
    received_on date NOT NULL,
    recorded_at timestamptz NOT NULL,
    ref_seq bigint NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    field text NOT NULL,
    status text NOT NULL,
    head_count bigint NOT NULL,
    eligible boolean NOT NULL,
    reception_json text,
    process_json text NOT NULL,
    processed_at timestamptz,
    approved_to text,
    concluded_at timestamptz,
    withdrawn_at timestamptz,
    enforcement_at timestamptz,
    closed_at timestamptz,
    last_on date NOT NULL,
    report_until date NOT NULL GENERATED ALWAYS AS (
        CASE WHEN processed_at IS NULL
                OR (approved_to = 'accepted' AND concluded_at IS NULL AND withdrawn_at IS NULL)
                OR (concluded_at IS NOT NULL AND closed_at IS NULL)
             THEN DATE '9999-12-31' ELSE last_on END
    ) STORED
);

INSERT INTO report_facts
    (petition_id, unit_id, case_id, received_on, recorded_at, ref_seq, channel, kind, field, status, head_count,
     eligible, reception_json, process_json,
     processed_at, approved_to, concluded_at, withdrawn_at, enforcement_at, closed_at, last_on)
SELECT p.id, p.unit_id, p.case_id, p.received_on, p.recorded_at, p.ref_seq, p.channel, p.kind, p.field, p.status,
    p.head_count, p.eligible, p.reception_json, p.process_json,
    (SELECT MIN(e.at) FROM audit_events e WHERE e.petition_id = p.id
        AND (e.action = 'approve' OR (e.action = 'withdraw' AND e.to_status = 'withdrawn'))),
    (SELECT e.to_status FROM audit_events e WHERE e.petition_id = p.id AND e.action = 'approve' ORDER BY e.id LIMIT 1),
    (SELECT MIN(e.at) FROM audit_events e WHERE e.petition_id = p.id AND e.action = 'conclude'),
    (SELECT MIN(e.at) FROM audit_events e WHERE e.petition_id = p.id AND e.action = 'withdraw' AND e.to_status = 'withdrawn'),
    (SELECT MIN(e.at) FROM audit_events e WHERE e.petition_id = p.id AND e.action = 'start_enforcement'),
    (SELECT MIN(e.at) FROM audit_events e WHERE e.petition_id = p.id AND e.action = 'close'),
    GREATEST(p.received_on,
        (SELECT (MAX(e.at) AT TIME ZONE 'UTC')::date + 1 FROM audit_events e WHERE e.petition_id = p.id
            AND e.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close')),
        (SELECT MAX(f.result_reported_on) FROM forwardings f WHERE f.petition_id = p.id))
FROM petitions p;

CREATE INDEX report_facts_until ON report_facts (report_until);

CREATE FUNCTION report_facts_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_facts (petition_id, unit_id, case_id, received_on, recorded_at, ref_seq, channel, kind, field, status, head_count, eligible, reception_json, process_json, last_on)
    VALUES (NEW.id, NEW.unit_id, NEW.case_id, NEW.received_on, NEW.recorded_at, NEW.ref_seq, NEW.channel, NEW.kind, NEW.field, NEW.status, NEW.head_count, NEW.eligible, NEW.reception_json, NEW.process_json, NEW.received_on);
    RETURN NULL;
END
$$;

CREATE TRIGGER petitions_report_facts AFTER INSERT ON petitions
    FOR EACH ROW EXECUTE FUNCTION report_facts_start();

-- A decision, a transfer or a merge of cases changes what the tables read.
CREATE FUNCTION report_facts_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_facts SET
        unit_id = NEW.unit_id,
        case_id = NEW.case_id,
        channel = NEW.channel,
        kind = NEW.kind,
        field = NEW.field,
        status = NEW.status,
        head_count = NEW.head_count,
        eligible = NEW.eligible,
        reception_json = NEW.reception_json,
        process_json = NEW.process_json
    WHERE petition_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER petitions_report_facts_copy AFTER UPDATE OF unit_id, case_id, channel, kind, field, status, head_count, eligible, reception_json, process_json ON petitions
    FOR EACH ROW EXECUTE FUNCTION report_facts_copy();

-- LEAST and GREATEST ignore NULLs: the earliest event of each kind is kept.
CREATE FUNCTION report_facts_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_facts SET
        processed_at = CASE WHEN NEW.action = 'approve' OR (NEW.action = 'withdraw' AND NEW.to_status = 'withdrawn')
            THEN LEAST(processed_at, NEW.at) ELSE processed_at END,
        approved_to = CASE WHEN NEW.action = 'approve' THEN COALESCE(approved_to, NEW.to_status) ELSE approved_to END,
        concluded_at = CASE WHEN NEW.action = 'conclude' THEN LEAST(concluded_at, NEW.at) ELSE concluded_at END,
        withdrawn_at = CASE WHEN NEW.action = 'withdraw' AND NEW.to_status = 'withdrawn'
            THEN LEAST(withdrawn_at, NEW.at) ELSE withdrawn_at END,
        enforcement_at = CASE WHEN NEW.action = 'start_enforcement'
            THEN LEAST(enforcement_at, NEW.at) ELSE enforcement_at END,
        closed_at = CASE WHEN NEW.action = 'close' THEN LEAST(closed_at, NEW.at) ELSE closed_at END,
        last_on = GREATEST(last_on, (NEW.at AT TIME ZONE 'UTC')::date + 1)
    WHERE petition_id = NEW.petition_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_events_report_facts AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close'))
    EXECUTE FUNCTION report_facts_event();

-- A forwarded unit's reply counts in the period it arrives in.
CREATE FUNCTION report_facts_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_facts SET last_on = GREATEST(last_on, NEW.result_reported_on)
    WHERE petition_id = NEW.petition_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER forwardings_report_reply AFTER INSERT OR UPDATE OF result_reported_on ON forwardings
    FOR EACH ROW WHEN (NEW.result_reported_on IS NOT NULL) EXECUTE FUNCTION report_facts_reply();
