-- PostgreSQL-only tuning (see db/vendor/postgresql); H2 keeps the same schema version.
SELECT 1;
