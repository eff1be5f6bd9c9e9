-- The last three per-row lookups of the report read, kept on the facts row too: the
-- resolution deadline (the latest-started deadline of a complaint or denunciation
-- resolution) and the days the forwarded units' replies arrived. Measured at 100,000
-- petitions, these lookups cost more than reading the period's rows themselves.
ALTER TABLE report_facts ADD COLUMN resolution_due_on TEXT;
-- Comma-separated days; their order carries no meaning.
ALTER TABLE report_facts ADD COLUMN replies TEXT;

UPDATE report_facts SET
    resolution_due_on = (SELECT d.due_on FROM deadlines d WHERE d.petition_id = report_facts.petition_id
        AND d.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
        ORDER BY d.start_on DESC LIMIT 1),
    replies = (SELECT group_concat(f.result_reported_on) FROM forwardings f
        WHERE f.petition_id = report_facts.petition_id AND f.result_reported_on IS NOT NULL);

CREATE TRIGGER deadlines_report_resolution_insert AFTER INSERT ON deadlines
WHEN new.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
BEGIN
    UPDATE report_facts SET resolution_due_on = (SELECT d.due_on FROM deadlines d WHERE d.petition_id = new.petition_id
        AND d.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
        ORDER BY d.start_on DESC LIMIT 1)
    WHERE petition_id = new.petition_id;
END;

CREATE TRIGGER deadlines_report_resolution_update AFTER UPDATE OF due_on, start_on ON deadlines
WHEN new.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
BEGIN
    UPDATE report_facts SET resolution_due_on = (SELECT d.due_on FROM deadlines d WHERE d.petition_id = new.petition_id
        AND d.rule_id IN ('complaint.resolve.first', 'complaint.resolve.second', 'denunciation.resolve')
        ORDER BY d.start_on DESC LIMIT 1)
    WHERE petition_id = new.petition_id;
END;

-- A reply recorded, corrected or withdrawn changes the list; a reply counts in the
-- period it arrives in, so it also moves `last_on`.
DROP TRIGGER forwardings_report_reply_insert;
DROP TRIGGER forwardings_report_reply_update;

CREATE TRIGGER forwardings_report_reply_insert AFTER INSERT ON forwardings
WHEN new.result_reported_on IS NOT NULL
BEGIN
    UPDATE report_facts SET
        last_on = max(last_on, new.result_reported_on),
        replies = (SELECT group_concat(f.result_reported_on) FROM forwardings f
            WHERE f.petition_id = new.petition_id AND f.result_reported_on IS NOT NULL)
    WHERE petition_id = new.petition_id;
END;

CREATE TRIGGER forwardings_report_reply_update AFTER UPDATE OF result_reported_on ON forwardings
BEGIN
    UPDATE report_facts SET
        last_on = max(last_on, coalesce(new.result_reported_on, last_on)),
        replies = (SELECT group_concat(f.result_reported_on) FROM forwardings f
            WHERE f.petition_id = new.petition_id AND f.result_reported_on IS NOT NULL)
    WHERE petition_id = new.petition_id;
END;

-- Whether an earlier letter of the same case reached the same unit (a repeat letter):
-- answered from this index alone, a handful of entries per case.
CREATE INDEX report_facts_case ON report_facts (case_id, unit_id, received_on, recorded_at, status);
