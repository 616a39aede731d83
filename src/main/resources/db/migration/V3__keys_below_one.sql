-- GitLab's schema requires min_value > 0 because GitLab's ids start at 1. bbm migrates any table,
-- and a table can hold keys of 0 and below: with the constraint, a migration either refused them
-- or left them untouched while reporting itself finished. Every other check of GitLab's schema
-- stays, and GitLab's queries read the table as before.
ALTER TABLE batched_background_migrations DROP CONSTRAINT check_positive_min_value;
