-- A phrase search must find the rows where its words stand side by side. The GIN index
-- keeps no positions, so for `thu <-> hoi <-> dat` it returned every row holding the
-- three words anywhere (40,000 of 108,000 petitions) and each one's vector was read back
-- and checked: a phrase of common words took a second at 100,000 petitions even when it
-- occurs nowhere. Each pair of neighbouring words is now indexed as one more lexeme, the
-- two words written together ("thuhoi", "hoidat": never a Vietnamese syllable), so the
-- index narrows a phrase to the rows holding all its pairs before the exact check.
-- Pairs across the end of one column and the start of the next only add candidates;
-- the check (and the exact text test of `petition_sql`) still decides.
CREATE FUNCTION search_word_pairs(words text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(w || n, ' '), '')
    FROM (SELECT w, lead(w) OVER (ORDER BY i) AS n
          FROM unnest(string_to_array(words, ' ')) WITH ORDINALITY AS x(w, i)) AS neighbours
    WHERE n IS NOT NULL AND w <> '' AND n <> ''
$$;

DROP INDEX petitions_search;
ALTER TABLE petitions DROP COLUMN search_vector;
ALTER TABLE petitions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', content_folded || ' ' || coalesce(petitioner_folded, '') || ' ' || coalesce(target_folded, ''))
    || to_tsvector('simple', search_word_pairs(
        content_folded || ' ' || coalesce(petitioner_folded, '') || ' ' || coalesce(target_folded, '')))
) STORED;
CREATE INDEX petitions_search ON petitions USING gin (search_vector);
