-- The dashboard's complaints decided in a period are complaints accepted for resolution
-- only, a small share of the register; through the index of every concluded petition
-- the count walked a year's conclusions of every kind (≈90 ms at a million, in the
-- shell). PostgreSQL's index has been partial since its 0023.
CREATE INDEX report_facts_decided ON report_facts (concluded_at, unit_id, status, received_on, resolution_due_on)
    WHERE kind = 'complaint' AND approved_to = 'accepted';
