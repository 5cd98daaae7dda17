-- The codes the asker wrote (subject and new text), so staff search a question by its codes and
-- not the reply, whose templates name example codes: ` M54.16 M5416 99214 ` (see
-- case_search::question_codes). NULL until the worker answers the case, or the staff page fills
-- it in for cases answered before this column existed.
ALTER TABLE mail_case ADD COLUMN question_codes TEXT;
