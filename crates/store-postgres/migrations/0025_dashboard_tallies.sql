-- The dashboard's counts, kept as petitions change instead of counted at each view:
-- counting a year's facts (≈200,000 rows at a million petitions) at every view cannot
-- fit the dashboard's 200 ms. The dashboard shows each classification on its own (by
-- kind, by field, by channel, by status, by unit), so the received petitions are kept
-- per unit and classification, by TT 01 year (15 December to 14 December) and TT 01
-- month (the 15th to the 14th): a statutory period is a few whole spans, a year's counts
-- a few thousand rows. The days of a period outside whole spans are counted from
-- report_facts (donthu_reports::dashboard::SpanCover). A split letter counts through its
-- parts only.
CREATE TABLE dashboard_received (
    span text NOT NULL,
    starts_on date NOT NULL,
    unit_id uuid NOT NULL,
    class text NOT NULL,
    code text NOT NULL,
    petitions bigint NOT NULL,
    PRIMARY KEY (span, starts_on, unit_id, class, code)
);

-- Petitions received and petitions processed (first approval or withdrawal, on the
-- Vietnam day of processed_at) per day and unit: the dashboard's twelve months.
CREATE TABLE dashboard_days (
    day date NOT NULL,
    unit_id uuid NOT NULL,
    received bigint NOT NULL,
    processed bigint NOT NULL,
    PRIMARY KEY (day, unit_id)
);

-- A fact's parts in dashboard_received: its unit and each classification, in the TT 01
-- year and month it was received. None for a split letter (or no fact).
CREATE FUNCTION dashboard_received_parts(f report_facts)
RETURNS TABLE (span text, starts_on date, unit_id uuid, class text, code text) LANGUAGE sql IMMUTABLE AS $$
    SELECT s.span,
        CASE s.span WHEN 'month' THEN (date_trunc('month', (f.received_on - 14)::timestamp) + interval '14 days')::date
            ELSE (date_trunc('year', (f.received_on + 17)::timestamp) - interval '17 days')::date END,
        f.unit_id, c.class,
        CASE c.class WHEN 'kind' THEN f.kind WHEN 'field' THEN f.field WHEN 'channel' THEN f.channel ELSE f.status END
    FROM (VALUES ('year'), ('month')) AS s (span), (VALUES ('kind'), ('field'), ('channel'), ('status')) AS c (class)
    WHERE f.status <> 'split'
$$;

-- A fact's parts in dashboard_days: received on its day and, once processed, processed on
-- that Vietnam day (UTC+7 all year round).
CREATE FUNCTION dashboard_day_parts(f report_facts)
RETURNS TABLE (day date, unit_id uuid, received bigint, processed bigint) LANGUAGE sql IMMUTABLE AS $$
    SELECT f.received_on, f.unit_id, 1::bigint, 0::bigint WHERE f.status <> 'split'
    UNION ALL
    SELECT ((f.processed_at AT TIME ZONE 'UTC') + interval '7 hours')::date, f.unit_id, 0, 1
    WHERE f.status <> 'split' AND f.processed_at IS NOT NULL
$$;

INSERT INTO dashboard_received (span, starts_on, unit_id, class, code, petitions)
SELECT p.span, p.starts_on, p.unit_id, p.class, p.code, COUNT(*)
FROM report_facts f, dashboard_received_parts(f) p
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO dashboard_days (day, unit_id, received, processed)
SELECT p.day, p.unit_id, SUM(p.received), SUM(p.processed)
FROM report_facts f, dashboard_day_parts(f) p
GROUP BY 1, 2;

-- Takes away the parts that went and adds the parts that came (a change of status: two
-- rows of eight). OLD is null on an insert, NEW on a delete.
CREATE FUNCTION dashboard_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    part record;
    left_over bigint;
BEGIN
    FOR part IN SELECT * FROM dashboard_received_parts(OLD) EXCEPT ALL SELECT * FROM dashboard_received_parts(NEW) LOOP
        UPDATE dashboard_received t SET petitions = t.petitions - 1
        WHERE (t.span, t.starts_on, t.unit_id, t.class, t.code) = (part.span, part.starts_on, part.unit_id, part.class, part.code)
        RETURNING t.petitions INTO left_over;
        IF left_over = 0 THEN
            DELETE FROM dashboard_received t
            WHERE (t.span, t.starts_on, t.unit_id, t.class, t.code) = (part.span, part.starts_on, part.unit_id, part.class, part.code);
        END IF;
    END LOOP;
    INSERT INTO dashboard_received AS t (span, starts_on, unit_id, class, code, petitions)
    SELECT n.*, 1 FROM (SELECT * FROM dashboard_received_parts(NEW) EXCEPT ALL SELECT * FROM dashboard_received_parts(OLD)) AS n
    ON CONFLICT (span, starts_on, unit_id, class, code) DO UPDATE SET petitions = t.petitions + 1;

    -- A day can hold both parts of a fact (received and processed the same day): summed
    -- per row first, as an UPDATE … FROM applies one source row per target row.
    UPDATE dashboard_days t SET received = t.received - g.received, processed = t.processed - g.processed
    FROM (SELECT p.day, p.unit_id, SUM(p.received) AS received, SUM(p.processed) AS processed
          FROM (SELECT * FROM dashboard_day_parts(OLD) EXCEPT ALL SELECT * FROM dashboard_day_parts(NEW)) AS p
          GROUP BY p.day, p.unit_id) AS g
    WHERE t.day = g.day AND t.unit_id = g.unit_id;
    INSERT INTO dashboard_days AS t (day, unit_id, received, processed)
    SELECT p.day, p.unit_id, SUM(p.received), SUM(p.processed)
    FROM (SELECT * FROM dashboard_day_parts(NEW) EXCEPT ALL SELECT * FROM dashboard_day_parts(OLD)) AS p
    GROUP BY p.day, p.unit_id
    ON CONFLICT (day, unit_id) DO UPDATE SET received = t.received + excluded.received, processed = t.processed + excluded.processed;
    RETURN NULL;
END
$$;

-- Deferred to the commit: every intake of a unit adds to the same rows, and a tally row
-- stays locked from its update to the end of the transaction. Updated at commit, it is
-- held for the commit alone, so concurrent intakes do not wait for each other's whole
-- transaction. Each queued event carries its own OLD and NEW, so several changes of one
-- petition in a transaction add up.
CREATE CONSTRAINT TRIGGER dashboard_tally_insert_delete AFTER INSERT OR DELETE ON report_facts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_tally();

CREATE CONSTRAINT TRIGGER dashboard_tally_update
    AFTER UPDATE OF unit_id, received_on, kind, field, channel, status, processed_at ON report_facts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.unit_id, OLD.received_on, OLD.kind, OLD.field, OLD.channel, OLD.status, OLD.processed_at)
        IS DISTINCT FROM (NEW.unit_id, NEW.received_on, NEW.kind, NEW.field, NEW.channel, NEW.status, NEW.processed_at))
    EXECUTE FUNCTION dashboard_tally();
