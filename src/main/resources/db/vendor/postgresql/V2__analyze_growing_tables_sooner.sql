-- The event, report and trial tables grow by thousands of rows a minute under load. With PostgreSQL's
-- default thresholds a fresh database is planned on empty-table statistics for minutes, which measured
-- 3x slower reports in a 20,000-trial study; analyze these tables after 2 % growth instead of 10 %.
ALTER TABLE trial SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000);
ALTER TABLE report SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000);
ALTER TABLE study_event SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000);
