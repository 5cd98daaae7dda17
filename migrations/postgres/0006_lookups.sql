-- Lookups the worker makes for every message: a copy of one of our replies coming back (found by
-- the reply's Message-ID), the guest quota's count of a sender's answers, and recovery's look at
-- claimed cases. Without these indexes each was a scan of the whole case table.
CREATE INDEX mail_case_reply_message_id ON mail_case (reply_message_id);
CREATE INDEX mail_case_sender_answers ON mail_case (sender, reply_kind, received_at, state);
CREATE INDEX mail_case_claimed ON mail_case (claimed_by) WHERE claimed_by IS NOT NULL;
