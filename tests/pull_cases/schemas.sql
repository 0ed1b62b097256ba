-- Schemas besides public, with USAGE/CREATE grants and a comment; functions, views and enums in them.
CREATE SCHEMA private;
COMMENT ON SCHEMA private IS 'Code the API does not expose.';
REVOKE ALL ON SCHEMA private FROM PUBLIC;
GRANT USAGE ON SCHEMA private TO service_role;
create schema app;
GRANT ALL ON SCHEMA app TO authenticated;
CREATE TYPE app.colour AS ENUM ('red', 'green');
CREATE TABLE public.items (id int PRIMARY KEY, colour app.colour);
CREATE FUNCTION private.item_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT count(*) FROM public.items $$;
REVOKE EXECUTE ON FUNCTION private.item_count() FROM PUBLIC;
CREATE VIEW app.red_items WITH (security_invoker = true) AS SELECT id FROM public.items WHERE colour = 'red';
