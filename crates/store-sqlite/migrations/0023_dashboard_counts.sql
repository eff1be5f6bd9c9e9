-- The dashboard counts a period's petitions in SQL (Store::dashboard_counts) instead of
-- reading a year's facts row by row: each count walks an index that holds every column
-- it groups by, so the table rows are never read.
CREATE INDEX report_facts_received ON report_facts (received_on, unit_id, kind, field, channel, status);
CREATE INDEX report_facts_processed ON report_facts (processed_at, unit_id, status, received_on);
CREATE INDEX report_facts_concluded ON report_facts (concluded_at, kind, approved_to, unit_id, status, received_on, resolution_due_on);
