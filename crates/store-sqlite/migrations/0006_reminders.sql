-- Reminders: each (deadline, level) is claimed once, whatever the number of processes;
-- in-app notifications; and the e-mail outbox with retries and a dead-letter state.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE reminders (
    deadline_id TEXT NOT NULL REFERENCES deadlines(id),
    level TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (deadline_id, level)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    petition_id TEXT NOT NULL REFERENCES petitions(id),
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- pending, sent, or dead (gave up after the last retry)
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
