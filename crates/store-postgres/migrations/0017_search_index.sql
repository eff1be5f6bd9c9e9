-- Full-text search over what the register lets officials search: the content, the
-- visible petitioner's name and the target's name, in their normalised (folded) form,
-- as words for prefix and phrase queries (`simple`: no stemming, no stop words). A sealed
-- denouncer's folded name is never stored, so it is never indexed either.
ALTER TABLE petitions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', content_folded || ' ' || coalesce(petitioner_folded, '') || ' ' || coalesce(target_folded, ''))
) STORED;

CREATE INDEX petitions_search ON petitions USING gin (search_vector);

-- The whole province's newest items first (searches and lists without a unit).
CREATE INDEX petitions_received ON petitions (received_on DESC, ref_seq DESC);
