-- The nearest open deadline of each petition, kept on its row: the worklist orders and
-- filters by it, and computing it per row in every list read every open item's
-- deadlines. Kept by triggers on `deadlines`, so it changes in the very transaction that
-- writes a deadline (intake, decisions, extensions, a new holiday schedule).
ALTER TABLE petitions ADD COLUMN next_due_on TEXT;

UPDATE petitions SET next_due_on =
    (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = petitions.id AND d.state = 'open');

CREATE TRIGGER deadlines_next_due_insert AFTER INSERT ON deadlines
BEGIN
    UPDATE petitions SET next_due_on =
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open')
    WHERE id = new.petition_id;
END;

CREATE TRIGGER deadlines_next_due_update AFTER UPDATE OF due_on, state ON deadlines
BEGIN
    UPDATE petitions SET next_due_on =
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open')
    WHERE id = new.petition_id;
END;

-- Overdue and due-soon tallies and the worklist's first page, per unit.
CREATE INDEX petitions_unit_next_due ON petitions (unit_id, next_due_on, status) WHERE next_due_on IS NOT NULL;
