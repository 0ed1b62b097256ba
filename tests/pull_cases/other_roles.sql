-- Grants to roles beyond the API roles: tables, columns, functions, sequences, types and schemas.
-- roles: app_user, readonly_role
CREATE SCHEMA reporting;
GRANT USAGE ON SCHEMA reporting TO readonly_role;
CREATE TABLE public.events (id bigint PRIMARY KEY, kind text NOT NULL, payload jsonb);
GRANT SELECT ON public.events TO readonly_role;
GRANT SELECT, INSERT, UPDATE ON public.events TO app_user;
GRANT SELECT (kind) ON public.events TO "readonly_role";
CREATE SEQUENCE public.event_ids;
GRANT USAGE ON SEQUENCE public.event_ids TO app_user;
CREATE DOMAIN public.kind_name AS text;
GRANT USAGE ON DOMAIN public.kind_name TO app_user;
CREATE FUNCTION public.event_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM public.events';
REVOKE EXECUTE ON FUNCTION public.event_count() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.event_count() TO readonly_role;
