-- A freshly loaded table of :rows ids, ~1/7 of them deleted (gaps), vacuumed and analyzed.
-- Autovacuum is off on it: a vacuum starting in the middle of one run and not another would make
-- them unequal, and bbm's autovacuum indicator would put its migration on hold for 10 minutes.
-- psql -v table=… -v rows=… -v extra_columns=', b2 bigint' (optional)
DROP TABLE IF EXISTS :"table";
CREATE TABLE :"table" (id bigserial PRIMARY KEY, a int, b bigint :extra_columns) WITH (autovacuum_enabled = off);
INSERT INTO :"table" (a) SELECT g FROM generate_series(1, :rows) g;
DELETE FROM :"table" WHERE id % 7 = 0;
VACUUM (ANALYZE) :"table";
CHECKPOINT;
