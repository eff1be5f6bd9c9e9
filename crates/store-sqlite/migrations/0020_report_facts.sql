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
    petition_id TEXT PRIMARY KEY NOT NULL REFERENCES petitions(id),
    unit_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    received_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    ref_seq INTEGER NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    status TEXT NOT NULL,
    head_count INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    reception_json TEXT,
    process_json TEXT NOT NULL,
    processed_at TEXT,
    approved_to TEXT,
    concluded_at TEXT,
    withdrawn_at TEXT,
    enforcement_at TEXT,
    closed_at TEXT,
    last_on TEXT NOT NULL,
    report_until TEXT NOT NULL GENERATED ALWAYS AS (
        CASE WHEN processed_at IS NULL
                OR (approved_to = 'accepted' AND concluded_at IS NULL AND withdrawn_at IS NULL)
                OR (concluded_at IS NOT NULL AND closed_at IS NULL)
             THEN '9999-12-31' ELSE last_on END
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
    max(p.received_on,
        coalesce((SELECT date(substr(MAX(e.at), 1, 10), '+1 day') FROM audit_events e WHERE e.petition_id = p.id
            AND e.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close')), p.received_on),
        coalesce((SELECT MAX(f.result_reported_on) FROM forwardings f WHERE f.petition_id = p.id), p.received_on))
FROM petitions p;

CREATE INDEX report_facts_until ON report_facts (report_until);

CREATE TRIGGER petitions_report_facts AFTER INSERT ON petitions
BEGIN
    INSERT INTO report_facts (petition_id, unit_id, case_id, received_on, recorded_at, ref_seq, channel, kind, field, status, head_count, eligible, reception_json, process_json, last_on)
    VALUES (new.id, new.unit_id, new.case_id, new.received_on, new.recorded_at, new.ref_seq, new.channel, new.kind, new.field, new.status, new.head_count, new.eligible, new.reception_json, new.process_json, new.received_on);
END;

-- A decision, a transfer or a merge of cases changes what the tables read.
CREATE TRIGGER petitions_report_facts_copy AFTER UPDATE OF unit_id, case_id, channel, kind, field, status, head_count, eligible, reception_json, process_json ON petitions
BEGIN
    UPDATE report_facts SET
        unit_id = new.unit_id,
        case_id = new.case_id,
        channel = new.channel,
        kind = new.kind,
        field = new.field,
        status = new.status,
        head_count = new.head_count,
        eligible = new.eligible,
        reception_json = new.reception_json,
        process_json = new.process_json
    WHERE petition_id = new.id;
END;

CREATE TRIGGER audit_events_report_facts AFTER INSERT ON audit_events
WHEN new.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close')
BEGIN
    UPDATE report_facts SET
        processed_at = CASE WHEN (new.action = 'approve' OR (new.action = 'withdraw' AND new.to_status = 'withdrawn'))
            AND (processed_at IS NULL OR new.at < processed_at) THEN new.at ELSE processed_at END,
        approved_to = CASE WHEN new.action = 'approve' AND approved_to IS NULL THEN new.to_status ELSE approved_to END,
        concluded_at = CASE WHEN new.action = 'conclude'
            AND (concluded_at IS NULL OR new.at < concluded_at) THEN new.at ELSE concluded_at END,
        withdrawn_at = CASE WHEN new.action = 'withdraw' AND new.to_status = 'withdrawn'
            AND (withdrawn_at IS NULL OR new.at < withdrawn_at) THEN new.at ELSE withdrawn_at END,
        enforcement_at = CASE WHEN new.action = 'start_enforcement'
            AND (enforcement_at IS NULL OR new.at < enforcement_at) THEN new.at ELSE enforcement_at END,
        closed_at = CASE WHEN new.action = 'close'
            AND (closed_at IS NULL OR new.at < closed_at) THEN new.at ELSE closed_at END,
        last_on = max(last_on, date(substr(new.at, 1, 10), '+1 day'))
    WHERE petition_id = new.petition_id;
END;

-- A forwarded unit's reply counts in the period it arrives in.
CREATE TRIGGER forwardings_report_reply_insert AFTER INSERT ON forwardings
WHEN new.result_reported_on IS NOT NULL
BEGIN
    UPDATE report_facts SET last_on = max(last_on, new.result_reported_on) WHERE petition_id = new.petition_id;
END;

CREATE TRIGGER forwardings_report_reply_update AFTER UPDATE OF result_reported_on ON forwardings
WHEN new.result_reported_on IS NOT NULL
BEGIN
    UPDATE report_facts SET last_on = max(last_on, new.result_reported_on) WHERE petition_id = new.petition_id;
END;
