-- A phrase search must find the rows where its words stand side by side. FTS5 answers
-- `"thu hoi dat"` by reading the positions of every row that holds the three words
-- anywhere: common words make that a third of the register, and a phrase of common words
-- that occurs nowhere took 196 ms at 1,000,000 petitions. As on PostgreSQL (migration
-- 0022), each pair of neighbouring words is now also indexed as one word of its own
-- ("thuhoi", "hoidat": never a Vietnamese syllable), in a fourth column, and a phrase
-- asks for its pairs there too, so the index narrows it to the rows that may hold it
-- before any position is read.
--
-- `word_pairs` is made by intake (donthu_text::word_pairs) and kept beside the folded
-- texts because the index is contentless: it forgets a row only when given the very
-- values it indexed (sealing a denouncer's name removes the name's pairs too). Existing
-- rows get theirs here; each text is paired on its own, as intake does.
ALTER TABLE petitions ADD COLUMN word_pairs TEXT NOT NULL DEFAULT '';

UPDATE petitions SET word_pairs = trim(
    coalesce((SELECT group_concat(w || n, ' ') FROM (
        SELECT value AS w, lead(value) OVER (ORDER BY key) AS n
        FROM json_each('["' || replace(content_folded, ' ', '","') || '"]'))
        WHERE n IS NOT NULL AND w <> '' AND n <> ''), '')
    || ' ' ||
    coalesce((SELECT group_concat(w || n, ' ') FROM (
        SELECT value AS w, lead(value) OVER (ORDER BY key) AS n
        FROM json_each('["' || replace(replace(petitioner_folded, ' | ', ' '), ' ', '","') || '"]'))
        WHERE n IS NOT NULL AND w <> '' AND n <> ''), '')
    || ' ' ||
    coalesce((SELECT group_concat(w || n, ' ') FROM (
        SELECT value AS w, lead(value) OVER (ORDER BY key) AS n
        FROM json_each('["' || replace(target_folded, ' ', '","') || '"]'))
        WHERE n IS NOT NULL AND w <> '' AND n <> ''), ''));

DROP TRIGGER petitions_search_insert;
DROP TRIGGER petitions_search_update;
DROP TABLE petitions_fts;

CREATE VIRTUAL TABLE petitions_fts USING fts5(
    content_folded, petitioner_folded, target_folded, word_pairs,
    content = '', tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded, word_pairs)
    SELECT r.rowid, p.content_folded, p.petitioner_folded, p.target_folded, p.word_pairs
    FROM petition_search_rows r JOIN petitions p ON p.id = r.petition_id
    ORDER BY r.rowid;

-- The next key of the day (migration 0022), and the row with its pairs.
CREATE TRIGGER petitions_search_insert AFTER INSERT ON petitions
BEGIN
    INSERT INTO petition_search_rows (rowid, petition_id) VALUES (
        coalesce(
            (SELECT r.rowid FROM petition_search_rows r
              WHERE r.rowid > CAST(julianday(new.received_on) AS INTEGER) * 4294967296
                AND r.rowid < (CAST(julianday(new.received_on) AS INTEGER) + 1) * 4294967296
              ORDER BY r.rowid DESC LIMIT 1),
            CAST(julianday(new.received_on) AS INTEGER) * 4294967296) + 1,
        new.id);
    INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded, word_pairs)
        VALUES (last_insert_rowid(), new.content_folded, new.petitioner_folded, new.target_folded, new.word_pairs);
END;

-- Sealing an identity after the fact clears petitioner_folded and its pairs: the name
-- leaves the index.
CREATE TRIGGER petitions_search_update
AFTER UPDATE OF content_folded, petitioner_folded, target_folded, word_pairs ON petitions
BEGIN
    INSERT INTO petitions_fts (petitions_fts, rowid, content_folded, petitioner_folded, target_folded, word_pairs)
        VALUES ('delete', (SELECT rowid FROM petition_search_rows WHERE petition_id = old.id),
                old.content_folded, old.petitioner_folded, old.target_folded, old.word_pairs);
    INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded, word_pairs)
        VALUES ((SELECT rowid FROM petition_search_rows WHERE petition_id = new.id),
                new.content_folded, new.petitioner_folded, new.target_folded, new.word_pairs);
END;
