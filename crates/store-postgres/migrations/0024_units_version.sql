-- Bumped by every change to the units, so that each server process keeps the unit tree
-- in memory and reads it again only when it changed: the tree is needed by every page
-- and every intake (scopes, names, the unit's code).
CREATE TABLE units_version (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO units_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_units_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER units_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_units_version();
