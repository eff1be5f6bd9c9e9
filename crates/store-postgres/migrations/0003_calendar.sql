-- The office's own holiday schedule entries (the Prime Minister's yearly decisions as
-- entered or imported by an administrator): they override the computed calendar.
CREATE TABLE calendar_days (
    day date PRIMARY KEY,
    working boolean NOT NULL,
    reason text NOT NULL,
    updated_at timestamptz NOT NULL
);
