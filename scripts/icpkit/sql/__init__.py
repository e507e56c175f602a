"""The SQL wing: the CRM parse layer, the rule compiler and the bulk scorer (DuckDB)."""
