-- Reminders for the tasks of conclusion notices and the answers owed to supervisory
-- recommendations: each (item, level) is claimed once, like the deadlines' reminders.
CREATE TABLE follow_up_reminders (
    item_id uuid NOT NULL,
    level text NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (item_id, level)
);
