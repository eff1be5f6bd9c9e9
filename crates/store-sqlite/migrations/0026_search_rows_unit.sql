-- Each full-text row knows its petition's unit, so that a duplicate check for an
-- official of some units keeps the full-text index's newest in-scope matches without
-- reading each matching petition's row (a letter's three longest words match 34,000 of
-- 100,000 petitions; reading the unit off each of their rows took seconds when the unit
-- held fewer than the 200 wanted). Kept by the insert trigger and by a transfer.
ALTER TABLE petition_search_rows ADD COLUMN unit_id TEXT NOT NULL DEFAULT '';

UPDATE petition_search_rows SET unit_id = (SELECT p.unit_id FROM petitions p WHERE p.id = petition_search_rows.petition_id);

DROP TRIGGER petitions_search_insert;

-- The next key of the day (migration 0022), the unit, and the row with its pairs (0025).
CREATE TRIGGER petitions_search_insert AFTER INSERT ON petitions
BEGIN
    INSERT INTO petition_search_rows (rowid, petition_id, unit_id) VALUES (
        coalesce(
            (SELECT r.rowid FROM petition_search_rows r
              WHERE r.rowid > CAST(julianday(new.received_on) AS INTEGER) * 4294967296
                AND r.rowid < (CAST(julianday(new.received_on) AS INTEGER) + 1) * 4294967296
              ORDER BY r.rowid DESC LIMIT 1),
            CAST(julianday(new.received_on) AS INTEGER) * 4294967296) + 1,
        new.id, new.unit_id);
    INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded, word_pairs)
        VALUES (last_insert_rowid(), new.content_folded, new.petitioner_folded, new.target_folded, new.word_pairs);
END;

CREATE TRIGGER petitions_search_unit AFTER UPDATE OF unit_id ON petitions
BEGIN
    UPDATE petition_search_rows SET unit_id = new.unit_id WHERE petition_id = new.id;
END;
