-- The sender rules count people, not spellings: each case keeps the key of its From address and
-- of the address its reply goes to (Reply-To, else From), lower case, without `+tag`, without
-- Gmail's dots (see question::address_key). Older cases get the lower-case address as their key.
ALTER TABLE mail_case ADD COLUMN sender_key TEXT;
ALTER TABLE mail_case ADD COLUMN recipient_key TEXT;
UPDATE mail_case SET sender_key = LOWER(sender), recipient_key = LOWER(COALESCE(reply_to, sender));
CREATE INDEX mail_case_sender_key ON mail_case (sender_key, received_at);
CREATE INDEX mail_case_recipient_key ON mail_case (recipient_key, received_at);
