-- Reminders for the tasks of conclusion notices and the answers owed to supervisory
-- recommendations: each (item, level) is claimed once, like the deadlines' reminders.
CREATE TABLE follow_up_reminders (
    item_id TEXT NOT NULL,
    level TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (item_id, level)
);
