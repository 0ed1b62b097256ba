-- Default privileges tightened from Supabase's: per object type, for the API roles, PUBLIC and other roles.
-- roles: readonly_role
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, REFERENCES ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO readonly_role;
alter default privileges revoke execute on functions from public;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon;
CREATE TABLE public.notes (id int PRIMARY KEY, body text);
CREATE FUNCTION public.note_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM public.notes';
