-- Default privileges of other creator roles (FOR ROLE), in public and in a schema of the project's.
-- roles: app_admin, app_reader
CREATE SCHEMA reporting;
ALTER DEFAULT PRIVILEGES FOR ROLE app_admin IN SCHEMA public GRANT SELECT ON TABLES TO app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_admin IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES TO service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE app_admin IN SCHEMA public GRANT USAGE ON SEQUENCES TO app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_admin IN SCHEMA reporting GRANT EXECUTE ON FUNCTIONS TO app_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon;
CREATE TABLE public.notes (id int PRIMARY KEY, body text);
