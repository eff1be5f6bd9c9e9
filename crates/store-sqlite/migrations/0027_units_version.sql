-- Bumped by every change to the units, so that each server process keeps the unit tree
-- in memory and reads it again only when it changed: the tree is needed by every page
-- and every intake (scopes, names, the unit's code), and reading its hundred-odd rows
-- cost 0.6 ms each time, twice per intake.
CREATE TABLE units_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO units_version (id, version) VALUES (1, 0);

CREATE TRIGGER units_version_insert AFTER INSERT ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_update AFTER UPDATE ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER units_version_delete AFTER DELETE ON units
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
END;
