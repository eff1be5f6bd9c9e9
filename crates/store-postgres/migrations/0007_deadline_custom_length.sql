-- A deadline whose length a document set (the term of a forwarding letter).
ALTER TABLE deadlines ADD COLUMN custom_length bigint;
