-- Comments on every kind that has one: table, column, index, policy, function, trigger, view,
-- schema, sequence, domain, composite type; one with a quote, a newline and non-ASCII.
CREATE SCHEMA private;
COMMENT ON SCHEMA private IS 'Not exposed';
CREATE TABLE public.posts (id int PRIMARY KEY, title text NOT NULL);
COMMENT ON TABLE public.posts IS 'Blog posts';
COMMENT ON COLUMN public.posts.title IS E'The title,\nshown "as is" — café';
CREATE INDEX posts_title_idx ON public.posts (title);
COMMENT ON INDEX public.posts_title_idx IS 'For search';
ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY "read posts" ON public.posts FOR SELECT TO anon USING (true);
COMMENT ON POLICY "read posts" ON public.posts IS 'Public blog';
CREATE FUNCTION private.stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
COMMENT ON FUNCTION private.stamp() IS 'Trigger body';
CREATE TRIGGER posts_stamp BEFORE INSERT ON public.posts FOR EACH ROW EXECUTE FUNCTION private.stamp();
COMMENT ON TRIGGER posts_stamp ON public.posts IS 'Stamps new posts';
CREATE VIEW public.titles WITH (security_invoker = on) AS SELECT title FROM public.posts;
COMMENT ON VIEW public.titles IS 'Titles only';
CREATE SEQUENCE public.post_numbers;
COMMENT ON SEQUENCE public.post_numbers IS 'Printed numbers';
CREATE DOMAIN public.title_text AS text;
COMMENT ON DOMAIN public.title_text IS 'A title';
CREATE TYPE public.post_ref AS (id int, title text);
COMMENT ON TYPE public.post_ref IS 'A reference';
