-- Attachments that identify a denouncer (the handwritten letter, an ID card copy) are
-- stored encrypted; their real name travels inside the sealed bytes.
ALTER TABLE attachments ADD COLUMN sealed boolean NOT NULL DEFAULT false;
