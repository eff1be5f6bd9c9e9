-- The result a receiving unit reported back to the forwarder (LTCD Art.27(2)).
ALTER TABLE forwardings ADD COLUMN result_reported_on TEXT;
ALTER TABLE forwardings ADD COLUMN result_summary TEXT;
CREATE INDEX forwardings_copy ON forwardings (copy_petition_id);
CREATE INDEX forwardings_from_unit ON forwardings (from_unit_id);
