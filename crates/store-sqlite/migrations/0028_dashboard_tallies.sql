-- The dashboard's counts of petitions received, kept as petitions change instead of
-- counted at each view. SQLite has no hash aggregation: grouping a year's facts sorts
-- them, and at a million petitions (≈200,000 in a year) the dashboard's counts took
-- 0.5–0.8 s however the indexes were cut. The dashboard shows each classification on its
-- own (by kind, by field, by channel, by status, by unit), so the tallies are kept per
-- unit and classification, by TT 01 year (15 December to 14 December) and TT 01 month
-- (the 15th to the 14th): a statutory period is a few whole spans, a year's counts a few
-- thousand rows. The days of a period outside whole spans are counted from report_facts
-- (donthu_reports::dashboard::SpanCover). Kept by triggers on report_facts, in the
-- transaction that changes the facts; a split letter counts through its parts only.
CREATE TABLE dashboard_received (
    span TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    class TEXT NOT NULL,
    code TEXT NOT NULL,
    petitions INTEGER NOT NULL,
    PRIMARY KEY (span, starts_on, unit_id, class, code)
) WITHOUT ROWID;

-- The spans and the classifications a fact is counted in.
CREATE TABLE dashboard_spans (span TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
INSERT INTO dashboard_spans (span) VALUES ('year'), ('month');
CREATE TABLE dashboard_classes (class TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
INSERT INTO dashboard_classes (class) VALUES ('kind'), ('field'), ('channel'), ('status');

-- Petitions received and petitions processed (first approval or withdrawal, the Vietnam
-- day of processed_at) per day and unit: the dashboard's twelve months.
CREATE TABLE dashboard_days (
    day TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    received INTEGER NOT NULL,
    processed INTEGER NOT NULL,
    PRIMARY KEY (day, unit_id)
) WITHOUT ROWID;

INSERT INTO dashboard_received (span, starts_on, unit_id, class, code, petitions)
SELECT span, starts_on, unit_id, class, code, COUNT(*)
FROM (SELECT s.span, CASE s.span WHEN 'month' THEN date(f.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(f.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        f.unit_id, c.class, CASE c.class WHEN 'kind' THEN f.kind WHEN 'field' THEN f.field
            WHEN 'channel' THEN f.channel ELSE f.status END AS code
        FROM report_facts f, dashboard_spans s, dashboard_classes c WHERE f.status <> 'split')
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO dashboard_days (day, unit_id, received, processed)
SELECT day, unit_id, SUM(received), SUM(processed)
FROM (
    SELECT received_on AS day, unit_id, 1 AS received, 0 AS processed FROM report_facts WHERE status <> 'split'
    UNION ALL
    SELECT date(processed_at, '+7 hours'), unit_id, 0, 1 FROM report_facts
    WHERE status <> 'split' AND processed_at IS NOT NULL
)
GROUP BY day, unit_id;

-- A fact's parts: its unit and each classification, in the year and the month it was
-- received. A change takes away the parts that went and adds the parts that came (a
-- change of status: two rows of eight).
CREATE TRIGGER dashboard_received_insert AFTER INSERT ON report_facts WHEN new.status <> 'split'
BEGIN
    INSERT INTO dashboard_received (span, starts_on, unit_id, class, code, petitions)
    SELECT *, 1 FROM (SELECT s.span, CASE s.span WHEN 'month' THEN date(new.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(new.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        new.unit_id, c.class, CASE c.class WHEN 'kind' THEN new.kind WHEN 'field' THEN new.field
            WHEN 'channel' THEN new.channel ELSE new.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE new.status <> 'split') WHERE true
    ON CONFLICT DO UPDATE SET petitions = petitions + 1;
END;

CREATE TRIGGER dashboard_received_update
AFTER UPDATE OF unit_id, received_on, kind, field, channel, status ON report_facts
WHEN old.unit_id IS NOT new.unit_id OR old.received_on IS NOT new.received_on OR old.kind IS NOT new.kind
    OR old.field IS NOT new.field OR old.channel IS NOT new.channel OR old.status IS NOT new.status
BEGIN
    UPDATE dashboard_received SET petitions = petitions - 1
    WHERE (span, starts_on, unit_id, class, code) IN (SELECT s.span, CASE s.span WHEN 'month' THEN date(old.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(old.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        old.unit_id, c.class, CASE c.class WHEN 'kind' THEN old.kind WHEN 'field' THEN old.field
            WHEN 'channel' THEN old.channel ELSE old.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE old.status <> 'split' EXCEPT SELECT s.span, CASE s.span WHEN 'month' THEN date(new.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(new.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        new.unit_id, c.class, CASE c.class WHEN 'kind' THEN new.kind WHEN 'field' THEN new.field
            WHEN 'channel' THEN new.channel ELSE new.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE new.status <> 'split');
    DELETE FROM dashboard_received
    WHERE petitions = 0 AND (span, starts_on, unit_id, class, code) IN (SELECT s.span, CASE s.span WHEN 'month' THEN date(old.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(old.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        old.unit_id, c.class, CASE c.class WHEN 'kind' THEN old.kind WHEN 'field' THEN old.field
            WHEN 'channel' THEN old.channel ELSE old.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE old.status <> 'split' EXCEPT SELECT s.span, CASE s.span WHEN 'month' THEN date(new.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(new.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        new.unit_id, c.class, CASE c.class WHEN 'kind' THEN new.kind WHEN 'field' THEN new.field
            WHEN 'channel' THEN new.channel ELSE new.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE new.status <> 'split');
    INSERT INTO dashboard_received (span, starts_on, unit_id, class, code, petitions)
    SELECT *, 1 FROM (SELECT s.span, CASE s.span WHEN 'month' THEN date(new.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(new.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        new.unit_id, c.class, CASE c.class WHEN 'kind' THEN new.kind WHEN 'field' THEN new.field
            WHEN 'channel' THEN new.channel ELSE new.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE new.status <> 'split' EXCEPT SELECT s.span, CASE s.span WHEN 'month' THEN date(old.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(old.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        old.unit_id, c.class, CASE c.class WHEN 'kind' THEN old.kind WHEN 'field' THEN old.field
            WHEN 'channel' THEN old.channel ELSE old.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE old.status <> 'split') WHERE true
    ON CONFLICT DO UPDATE SET petitions = petitions + 1;
END;

CREATE TRIGGER dashboard_received_delete AFTER DELETE ON report_facts WHEN old.status <> 'split'
BEGIN
    UPDATE dashboard_received SET petitions = petitions - 1
    WHERE (span, starts_on, unit_id, class, code) IN (SELECT s.span, CASE s.span WHEN 'month' THEN date(old.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(old.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        old.unit_id, c.class, CASE c.class WHEN 'kind' THEN old.kind WHEN 'field' THEN old.field
            WHEN 'channel' THEN old.channel ELSE old.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE old.status <> 'split');
    DELETE FROM dashboard_received
    WHERE petitions = 0 AND (span, starts_on, unit_id, class, code) IN (SELECT s.span, CASE s.span WHEN 'month' THEN date(old.received_on, '-14 days', 'start of month', '+14 days')
            ELSE date(old.received_on, '+17 days', 'start of year', '-17 days') END AS starts_on,
        old.unit_id, c.class, CASE c.class WHEN 'kind' THEN old.kind WHEN 'field' THEN old.field
            WHEN 'channel' THEN old.channel ELSE old.status END AS code
        FROM dashboard_spans s, dashboard_classes c WHERE old.status <> 'split');
END;

-- A row's part in dashboard_days: received on its day and, once processed, processed on
-- that day, unless it was split. Taken away from the old day and added to the new.
CREATE TRIGGER dashboard_days_insert AFTER INSERT ON report_facts WHEN new.status <> 'split'
BEGIN
    INSERT INTO dashboard_days (day, unit_id, received, processed) VALUES (new.received_on, new.unit_id, 1, 0)
    ON CONFLICT DO UPDATE SET received = received + 1;
    INSERT INTO dashboard_days (day, unit_id, received, processed)
    SELECT date(new.processed_at, '+7 hours'), new.unit_id, 0, 1 WHERE new.processed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET processed = processed + 1;
END;

CREATE TRIGGER dashboard_days_update AFTER UPDATE OF unit_id, received_on, status, processed_at ON report_facts
WHEN old.unit_id IS NOT new.unit_id OR old.received_on IS NOT new.received_on
    OR (old.status = 'split') IS NOT (new.status = 'split') OR old.processed_at IS NOT new.processed_at
BEGIN
    UPDATE dashboard_days SET received = received - 1
    WHERE old.status <> 'split' AND day = old.received_on AND unit_id = old.unit_id;
    UPDATE dashboard_days SET processed = processed - 1
    WHERE old.status <> 'split' AND day = date(old.processed_at, '+7 hours') AND unit_id = old.unit_id;
    INSERT INTO dashboard_days (day, unit_id, received, processed)
    SELECT new.received_on, new.unit_id, 1, 0 WHERE new.status <> 'split'
    ON CONFLICT DO UPDATE SET received = received + 1;
    INSERT INTO dashboard_days (day, unit_id, received, processed)
    SELECT date(new.processed_at, '+7 hours'), new.unit_id, 0, 1 WHERE new.status <> 'split' AND new.processed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET processed = processed + 1;
END;

CREATE TRIGGER dashboard_days_delete AFTER DELETE ON report_facts WHEN old.status <> 'split'
BEGIN
    UPDATE dashboard_days SET received = received - 1 WHERE day = old.received_on AND unit_id = old.unit_id;
    UPDATE dashboard_days SET processed = processed - 1
    WHERE day = date(old.processed_at, '+7 hours') AND unit_id = old.unit_id;
END;
