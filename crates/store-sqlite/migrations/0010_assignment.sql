-- The official a head gave the petition to (giao cán bộ xử lý); the worklist shows each
-- official what is theirs.
ALTER TABLE petitions ADD COLUMN assigned_to TEXT REFERENCES users(id);
CREATE INDEX petitions_assigned ON petitions (assigned_to) WHERE assigned_to IS NOT NULL;
