-- Indexes the benchmark's EXPLAIN ANALYZE at 1M applications asked for (docs/PERFORMANCE.md).
--
-- The work queue filtered by status alone (a reviewer's "everything submitted") had no index that
-- yields one status in (created_at, id) order: it walked applications_created_idx and threw away
-- every other status, ~2,000 rows per page at 2.5% of the table, and more as closed applications
-- pile up around the few open ones. applications_queue_idx (status, program_code, …) serves the
-- status-and-program queue, but not this one.
CREATE INDEX applications_status_created_idx ON applications (status, created_at, id);
