-- Rewrite a petition's row only when its nearest open deadline actually changes: most
-- deadline writes (a second deadline further out, a closed one that was not the nearest)
-- leave it as it is, and each rewrite of the row is a new row version on intake's path.
CREATE OR REPLACE FUNCTION petitions_keep_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nearest date := (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = NEW.petition_id AND d.state = 'open');
BEGIN
    UPDATE petitions SET next_due_on = nearest
    WHERE id = NEW.petition_id AND next_due_on IS DISTINCT FROM nearest;
    RETURN NULL;
END
$$;
