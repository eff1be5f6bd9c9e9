-- The nearest open deadline of each petition, kept on its row: the worklist orders and
-- filters by it, and computing it per row in every list read every open item's
-- deadlines. Kept by a trigger on `deadlines`, so it changes in the very transaction
-- that writes a deadline (intake, decisions, extensions, a new holiday schedule).
ALTER TABLE petitions ADD COLUMN next_due_on date;

UPDATE petitions SET next_due_on =
    (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = petitions.id AND d.state = 'open');

CREATE FUNCTION petitions_keep_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE petitions SET next_due_on =
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = NEW.petition_id AND d.state = 'open')
    WHERE id = NEW.petition_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER deadlines_next_due AFTER INSERT OR UPDATE OF due_on, state ON deadlines
    FOR EACH ROW EXECUTE FUNCTION petitions_keep_next_due();

-- Overdue and due-soon tallies and the worklist's first page, per unit.
CREATE INDEX petitions_unit_next_due ON petitions (unit_id, next_due_on, status) WHERE next_due_on IS NOT NULL;
