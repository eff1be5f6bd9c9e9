-- Full-text search over what the register lets officials search: the content, the
-- visible petitioner's name and the target's name, in their normalised (folded) form.
-- A sealed denouncer's folded name is never stored, so it is never indexed either.
--
-- The FTS5 table is contentless (the text stays in `petitions`) and keyed by the stable
-- integer of `petition_search_rows`: `petitions` has a text primary key, and VACUUM may
-- renumber the implicit rowid of such a table.
CREATE TABLE petition_search_rows (
    rowid INTEGER PRIMARY KEY,
    petition_id TEXT NOT NULL UNIQUE REFERENCES petitions(id)
);

CREATE VIRTUAL TABLE petitions_fts USING fts5(
    content_folded, petitioner_folded, target_folded,
    content = '', tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO petition_search_rows (petition_id) SELECT id FROM petitions ORDER BY rowid;
INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded)
    SELECT r.rowid, p.content_folded, p.petitioner_folded, p.target_folded
    FROM petition_search_rows r JOIN petitions p ON p.id = r.petition_id;

CREATE TRIGGER petitions_search_insert AFTER INSERT ON petitions
BEGIN
    INSERT INTO petition_search_rows (petition_id) VALUES (new.id);
    INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded)
        VALUES (last_insert_rowid(), new.content_folded, new.petitioner_folded, new.target_folded);
END;

-- Sealing an identity after the fact clears petitioner_folded: the name leaves the index.
-- (A contentless index forgets a row when given the values it indexed.)
CREATE TRIGGER petitions_search_update
AFTER UPDATE OF content_folded, petitioner_folded, target_folded ON petitions
BEGIN
    INSERT INTO petitions_fts (petitions_fts, rowid, content_folded, petitioner_folded, target_folded)
        VALUES ('delete', (SELECT rowid FROM petition_search_rows WHERE petition_id = old.id),
                old.content_folded, old.petitioner_folded, old.target_folded);
    INSERT INTO petitions_fts (rowid, content_folded, petitioner_folded, target_folded)
        VALUES ((SELECT rowid FROM petition_search_rows WHERE petition_id = new.id),
                new.content_folded, new.petitioner_folded, new.target_folded);
END;

-- The whole province's newest items first (searches and lists without a unit).
CREATE INDEX petitions_received ON petitions (received_on DESC, ref_seq DESC);
