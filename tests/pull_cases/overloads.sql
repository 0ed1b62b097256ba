-- Overloads: one name, several argument lists, each with its own body, grants and comment; a trigger
-- calling the overload without arguments of a name that has another one.
CREATE TABLE public.notes (id int PRIMARY KEY, body text NOT NULL, touched_at timestamptz);
CREATE FUNCTION public.label(n integer) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT n::text';
CREATE FUNCTION public.label(t text, width integer DEFAULT 10) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT left(t, width)';
CREATE FUNCTION public.label(d date) RETURNS text LANGUAGE sql STABLE AS 'SELECT to_char(d, ''YYYY-MM-DD'')';
COMMENT ON FUNCTION public.label(date) IS 'ISO date';
REVOKE ALL ON FUNCTION public.label(text, integer) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.label(text, integer) TO authenticated;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched_at := now(); RETURN NEW; END$$;
CREATE FUNCTION public.touch(p_id integer) RETURNS void LANGUAGE sql AS 'UPDATE public.notes SET touched_at = now() WHERE id = p_id';
CREATE TRIGGER notes_touch BEFORE UPDATE ON public.notes FOR EACH ROW EXECUTE FUNCTION public.touch();
