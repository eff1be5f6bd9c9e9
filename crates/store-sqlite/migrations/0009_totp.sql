-- The optional second factor of officials: a TOTP secret (RFC 6238), stored sealed with
-- the identity key (hex), never in clear.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
