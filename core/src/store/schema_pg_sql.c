const char schema_pg_sql[] = "CREATE TABLE motcua_schema (version integer NOT NULL);";
