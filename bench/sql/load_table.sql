-- A freshly loaded table of :rows ids, ~1/7 of them deleted (gaps), vacuumed and analyzed.
-- Autovacuum is off on it: a vacuum starting in the middle of one run and not another would make
-- them unequal, and bbm's autovacuum indicator would put its migration on hold for 10 minutes.
-- psql -v table=… -v rows=… -v extra_columns=', b2 bigint' (optional) -v late_key=1 (optional)
-- With late_key, the primary key is built after the delete and the vacuum, by sort: the same heap,
-- a more compact index, in about half the time (section 6 loads a table for every run).
DROP TABLE IF EXISTS :"table";
\if :{?late_key}
CREATE TABLE :"table" (id bigserial, a int, b bigint :extra_columns) WITH (autovacuum_enabled = off);
\else
CREATE TABLE :"table" (id bigserial PRIMARY KEY, a int, b bigint :extra_columns) WITH (autovacuum_enabled = off);
\endif
INSERT INTO :"table" (a) SELECT g FROM generate_series(1, :rows) g;
DELETE FROM :"table" WHERE id % 7 = 0;
VACUUM (ANALYZE) :"table";
\if :{?late_key}
ALTER TABLE :"table" ADD PRIMARY KEY (id);
\endif
CHECKPOINT;
