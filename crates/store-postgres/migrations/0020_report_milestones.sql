-- What the statutory tables and the dashboard need from the audit trail, kept per
-- petition by triggers in the very transaction that writes each event: reading a
-- period's facts then costs one row per petition instead of six subqueries over its
-- events. `report_until` is the last day of a period start for which the petition can
-- still count: while it is pending (not processed, accepted and not resolved, decided and
-- not closed) it has none; otherwise the last day anything happened to it. This is
-- donthu_reports::Fact::settled_before in SQL; `last_on` is conservative (an event's UTC
-- day plus one is never earlier than its Vietnamese day).
CREATE TABLE report_milestones (
    petition_id uuid PRIMARY KEY REFERENCES petitions(id),
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
    GREATEST(p.received_on,
        (SELECT (MAX(e.at) AT TIME ZONE 'UTC')::date + 1 FROM audit_events e WHERE e.petition_id = p.id
            AND e.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close')),
        (SELECT MAX(f.result_reported_on) FROM forwardings f WHERE f.petition_id = p.id))
FROM petitions p;

CREATE INDEX report_milestones_until ON report_milestones (report_until);

CREATE FUNCTION report_milestones_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_milestones (petition_id, last_on) VALUES (NEW.id, NEW.received_on);
    RETURN NULL;
END
$$;

CREATE TRIGGER petitions_report_milestones AFTER INSERT ON petitions
    FOR EACH ROW EXECUTE FUNCTION report_milestones_start();

-- LEAST and GREATEST ignore NULLs: the earliest event of each kind is kept.
CREATE FUNCTION report_milestones_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_milestones SET
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

CREATE TRIGGER audit_events_report_milestones AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.action IN ('approve', 'withdraw', 'conclude', 'start_enforcement', 'close'))
    EXECUTE FUNCTION report_milestones_event();

-- A forwarded unit's reply counts in the period it arrives in.
CREATE FUNCTION report_milestones_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_milestones SET last_on = GREATEST(last_on, NEW.result_reported_on)
    WHERE petition_id = NEW.petition_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER forwardings_report_reply AFTER INSERT OR UPDATE OF result_reported_on ON forwardings
    FOR EACH ROW WHEN (NEW.result_reported_on IS NOT NULL) EXECUTE FUNCTION report_milestones_reply();
