-- What the statutory tables and the dashboard need from the audit trail, kept per
-- petition by triggers in the very transaction that writes each event: reading a
-- period's facts then costs one row per petition instead of six subqueries over its
-- events. `report_until` is the last day of a period start for which the petition can
-- still count: while it is pending (not processed, accepted and not resolved, decided and
-- not closed) it has none; otherwise the last day anything happened to it. This is
-- donthu_reports::Fact::settled_before in SQL; `last_on` is conservative (an event's UTC
-- day plus one is never earlier than its Vietnamese day).
CREATE TABLE report_milestones (
    petition_id TEXT PRIMARY KEY NOT NULL REFERENCES petitions(id),
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

INSERT INTO report_milestones
    (petition_id, processed_at, approved_to, concluded_at, withdrawn_at, enforcement_at, closed_at, last_on)
SELECT p.id,
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

CREATE INDEX report_milestones_until ON report_milestones (report_until);

CREATE TRIGGER petitions_report_milestones AFTER INSERT ON petitions
BEGIN
    INSERT INTO report_milestones (petition_id, last_on) VALUES (new.id, new.received_on);
END;

CREATE TRIGGER audit_events_report_milestones AFTER INSERT ON audit_events
WHEN new.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close')
BEGIN
    UPDATE report_milestones SET
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
    UPDATE report_milestones SET last_on = max(last_on, new.result_reported_on) WHERE petition_id = new.petition_id;
END;

CREATE TRIGGER forwardings_report_reply_update AFTER UPDATE OF result_reported_on ON forwardings
WHEN new.result_reported_on IS NOT NULL
BEGIN
    UPDATE report_milestones SET last_on = max(last_on, new.result_reported_on) WHERE petition_id = new.petition_id;
END;
