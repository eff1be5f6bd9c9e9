-- The last three per-row lookups of the report read, kept on the facts row too: the
-- resolution deadline (the latest-started deadline of a complaint or denunciation
-- resolution) and the days the forwarded units' replies arrived. Measured at 100,000
-- petitions, these lookups cost more than reading the period's rows themselves.
ALTER TABLE report_facts ADD COLUMN resolution_due_on date;
ALTER TABLE report_facts ADD COLUMN replies date[] NOT NULL DEFAULT '{}';

UPDATE report_facts SET
    resolution_due_on = (SELECT d.due_on FROM deadlines d WHERE d.petition_id = report_facts.petition_id
        AND d.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
        ORDER BY d.start_on DESC LIMIT 1),
    replies = ARRAY(SELECT f.result_reported_on FROM forwardings f
        WHERE f.petition_id = report_facts.petition_id AND f.result_reported_on IS NOT NULL);

CREATE FUNCTION report_facts_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_facts SET resolution_due_on = (SELECT d.due_on FROM deadlines d WHERE d.petition_id = NEW.petition_id
        AND d.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
        ORDER BY d.start_on DESC LIMIT 1)
    WHERE petition_id = NEW.petition_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER deadlines_report_resolution AFTER INSERT OR UPDATE OF due_on, start_on ON deadlines
    FOR EACH ROW WHEN (NEW.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve'))
    EXECUTE FUNCTION report_facts_resolution();

-- A reply recorded, corrected or withdrawn changes the list; a reply counts in the
-- period it arrives in, so it also moves `last_on` (GREATEST ignores a NULL).
CREATE OR REPLACE FUNCTION report_facts_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_facts SET
        last_on = GREATEST(last_on, NEW.result_reported_on),
        replies = ARRAY(SELECT f.result_reported_on FROM forwardings f
            WHERE f.petition_id = NEW.petition_id AND f.result_reported_on IS NOT NULL)
    WHERE petition_id = NEW.petition_id;
    RETURN NULL;
END
$$;

DROP TRIGGER forwardings_report_reply ON forwardings;
CREATE TRIGGER forwardings_report_reply_insert AFTER INSERT ON forwardings
    FOR EACH ROW WHEN (NEW.result_reported_on IS NOT NULL) EXECUTE FUNCTION report_facts_reply();
CREATE TRIGGER forwardings_report_reply_update AFTER UPDATE OF result_reported_on ON forwardings
    FOR EACH ROW EXECUTE FUNCTION report_facts_reply();

-- Whether an earlier letter of the same case reached the same unit (a repeat letter):
-- answered from this index alone, a handful of entries per case.
CREATE INDEX report_facts_case ON report_facts (case_id, unit_id, received_on, recorded_at) INCLUDE (status);
