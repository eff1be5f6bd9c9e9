-- Reminders: each (deadline, level) is claimed once, whatever the number of processes;
-- in-app notifications; and the e-mail outbox with retries and a dead-letter state.
ALTER TABLE users ADD COLUMN email text;

CREATE TABLE reminders (
    deadline_id uuid NOT NULL REFERENCES deadlines(id),
    level text NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (deadline_id, level)
);

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    petition_id uuid NOT NULL REFERENCES petitions(id),
    level text NOT NULL,
    message text NOT NULL,
    created_at timestamptz NOT NULL,
    read_at timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

CREATE TABLE outbox (
    id uuid PRIMARY KEY,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    -- pending, sent, or dead (gave up after the last retry)
    status text NOT NULL,
    attempts bigint NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    claimed_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
