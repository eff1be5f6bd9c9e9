-- Rewrite a petition's row only when its nearest open deadline actually changes: most
-- deadline writes (a second deadline further out, a closed one that was not the nearest)
-- leave it as it is, and each rewrite of the row costs a page write on intake's path.
DROP TRIGGER deadlines_next_due_insert;
DROP TRIGGER deadlines_next_due_update;

CREATE TRIGGER deadlines_next_due_insert AFTER INSERT ON deadlines
BEGIN
    UPDATE petitions SET next_due_on =
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open')
    WHERE id = new.petition_id AND next_due_on IS NOT
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open');
END;

CREATE TRIGGER deadlines_next_due_update AFTER UPDATE OF due_on, state ON deadlines
BEGIN
    UPDATE petitions SET next_due_on =
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open')
    WHERE id = new.petition_id AND next_due_on IS NOT
        (SELECT MIN(d.due_on) FROM deadlines d WHERE d.petition_id = new.petition_id AND d.state = 'open');
END;
