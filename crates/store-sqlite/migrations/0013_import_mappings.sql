-- How each office's legacy Excel register maps onto the register's fields, kept so the
-- next file of the same design imports without choosing the columns again.
CREATE TABLE import_mappings (
    unit_id TEXT PRIMARY KEY NOT NULL REFERENCES units(id),
    mapping_json TEXT NOT NULL,
    updated_by TEXT REFERENCES users(id),
    updated_at TEXT NOT NULL
);
