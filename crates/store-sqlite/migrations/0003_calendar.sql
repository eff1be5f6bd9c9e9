-- The office's own holiday schedule entries (the Prime Minister's yearly decisions as
-- entered or imported by an administrator): they override the computed calendar.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY NOT NULL,
    working INTEGER NOT NULL,
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
