-- Retention: when a closed case's message bodies were deleted (NULL: never). The case row, its
-- figures and its history stay.
ALTER TABLE mail_case ADD COLUMN purged_at BIGINT;
