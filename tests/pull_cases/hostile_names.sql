-- Hostile names and values: quotes, spaces, unicode, dollar signs, YAML look-alikes.
CREATE TABLE public."it's ""a"" table $x$" (
  id integer PRIMARY KEY,
  "yes" text DEFAULT 'no',
  "null" text DEFAULT '~',
  "0x10" text DEFAULT '1e3',
  "*star" text DEFAULT '&anchor',
  "a: b" text DEFAULT 'c #d',
  "trail " text DEFAULT 'trailing  ',
  "café ☕" text DEFAULT E'tab\there',
  "on" boolean DEFAULT true,
  "$body$" text DEFAULT '$body$'
);
COMMENT ON TABLE public."it's ""a"" table $x$" IS E'line1\nline2 $body$ \u2028 sep \u0085 nel';
COMMENT ON COLUMN public."it's ""a"" table $x$"."yes" IS 'yes';
COMMENT ON COLUMN public."it's ""a"" table $x$"."null" IS 'null';
COMMENT ON COLUMN public."it's ""a"" table $x$"."0x10" IS '0x10';
COMMENT ON COLUMN public."it's ""a"" table $x$"."*star" IS '@at %pct !bang';
COMMENT ON COLUMN public."it's ""a"" table $x$"."a: b" IS E'  lead\ttab  ';
ALTER TABLE public."it's ""a"" table $x$" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "yes: it's ""quoted"" $$" ON public."it's ""a"" table $x$" FOR SELECT TO anon USING ("yes" <> '$body$');
CREATE FUNCTION public."fn $body$ 'q'"() RETURNS text LANGUAGE plpgsql SET search_path = '' AS $fn$
BEGIN
  RETURN '$body$ $$ '' "x"';  -- $body$
END;
$fn$;
COMMENT ON FUNCTION public."fn $body$ 'q'"() IS '~';
CREATE FUNCTION public."trg fn"() RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS $$ BEGIN RETURN NEW; END; $$;
CREATE TRIGGER "trg 'x' $y$" BEFORE UPDATE OF "yes", "a: b" ON public."it's ""a"" table $x$" FOR EACH ROW
  WHEN (OLD."yes" IS DISTINCT FROM NEW."yes")
  EXECUTE FUNCTION public."trg fn"(E'back\\slash', 'it''s', E'new\nline', '$body$', 'yes', '', '~', E'\\000x', '0x10');
CREATE TYPE public.mood AS ENUM ('yes', 'no', 'it''s', '$x$', 'null', ' spaced ', 'café');
CREATE VIEW public."view ""v""" AS SELECT id, "yes" FROM public."it's ""a"" table $x$" WHERE "null" <> '$x$';
-- seed: public.hostile seeds
CREATE TABLE public."hostile seeds" (
  "key 'k'" text PRIMARY KEY,
  amount numeric(12,4),
  ratio double precision,
  flag boolean,
  doc jsonb,
  tags text[],
  note text
);
INSERT INTO public."hostile seeds" VALUES
  ('0x10', 0.0025, 1.5, true, '{"a": "$body$", "b": [1, 2.50]}', ARRAY['yes', 'a,b', '"q"'], E'line1\nline2\ttab \u2028 $body$'),
  ('012', -12, 1e-05, false, '"yes"', '{}', '  lead and trail  '),
  ('yes', 10000000, NULL, NULL, 'null', NULL, '~'),
  ('1e3', 0, -0.5, true, '[]', ARRAY[NULL, 'x'], '#not a comment'),
  ('2001-12-14', 1.1, 3, false, '{}', ARRAY['it''s'], 'a: b'),
  ('*star', 7, 0, true, '1', ARRAY['\'], E'back\\slash'),
  (E'new\nline key', 8, 0, true, '1', NULL, '');
CREATE FUNCTION public.count_rows() RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS $$ BEGIN RETURN NULL; END; $$;
CREATE TRIGGER "after 'insert' WHEN (x)" AFTER INSERT ON public."it's ""a"" table $x$"
  REFERENCING NEW TABLE AS "NEW TABLE AS ""x"" $y$" FOR EACH STATEMENT EXECUTE FUNCTION public.count_rows(' WHEN (', ')');
CREATE TRIGGER "after update" AFTER UPDATE ON public."it's ""a"" table $x$"
  REFERENCING OLD TABLE AS "o ld" NEW TABLE AS "OLD TABLE AS n" FOR EACH STATEMENT EXECUTE FUNCTION public.count_rows();
CREATE FUNCTION public.greet("it's" text DEFAULT '$body$ '' "x"', "b c" integer DEFAULT 1, OUT "out $1" text)
  LANGUAGE sql STABLE SET search_path = '' AS $body$ SELECT "it's" || "b c"::text || '$$' $body$;
COMMENT ON FUNCTION public.greet(text, integer) IS E'tab\there\r\nCRLF';
