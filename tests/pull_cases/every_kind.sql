-- Every kind of object schema.yaml can declare, names that need quoting included.
-- seed: Price List
CREATE TABLE public.teams (
    id bigserial PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    "Display Name" text COLLATE "C",
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.teams IS 'Teams; with "quotes" and a
newline';
COMMENT ON COLUMN public.teams.slug IS 'url-safe';

CREATE TABLE public.members (
    team_id bigint NOT NULL,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE ON UPDATE RESTRICT,
    role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
    seq integer GENERATED ALWAYS AS IDENTITY,
    weight numeric(6,2) GENERATED ALWAYS AS (seq * 1.5) STORED,
    PRIMARY KEY (team_id, user_id),
    CONSTRAINT members_team_fk FOREIGN KEY (team_id) REFERENCES public.teams (id) ON DELETE CASCADE,
    CONSTRAINT one_owner_weight CHECK (weight >= 0 OR role = 'owner')
);
CREATE INDEX members_role_idx ON public.members (role) WHERE role <> 'member';
CREATE UNIQUE INDEX members_seq_idx ON public.members USING btree (seq DESC);
ALTER TABLE public.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.members FORCE ROW LEVEL SECURITY;
CREATE POLICY "members see their team" ON public.members AS RESTRICTIVE FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()));
CREATE POLICY "owners manage" ON public.members FOR ALL TO authenticated
    USING (role = 'owner') WITH CHECK (role = 'owner');
REVOKE ALL ON public.members FROM anon, authenticated, service_role;
GRANT SELECT, INSERT ON public.members TO authenticated;
GRANT ALL ON public.members TO service_role;

CREATE TABLE public."Price List" (
    "SKU" text PRIMARY KEY,
    price numeric(12,8) NOT NULL,
    label text,
    active boolean NOT NULL DEFAULT true,
    tags jsonb
);
INSERT INTO public."Price List" VALUES
    ('a-1', 0.0000375, 'plain', true, '{"x": [1, 2]}'),
    ('b "2"', 12.5, E'line one\nline two\n', false, NULL),
    ('c''3', 0, 'it''s: #not a comment', true, '[]'),
    ('d-4', 1e-8, 'ünïcödé 🚀', true, NULL);

CREATE FUNCTION public.team_size(p_team bigint, p_min integer DEFAULT 0) RETURNS integer
    LANGUAGE sql STABLE SET search_path = public, pg_temp
    AS $$ SELECT count(*)::integer FROM public.members WHERE team_id = p_team AND seq >= p_min $$;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
    AS $body$
BEGIN
    NEW.created_at := now();  -- a comment with $$ inside
    RETURN NEW;
END;
$body$;
REVOKE EXECUTE ON FUNCTION public.touch() FROM PUBLIC, anon, authenticated;
CREATE TRIGGER teams_touch BEFORE INSERT OR UPDATE ON public.teams FOR EACH ROW EXECUTE FUNCTION public.touch();

-- The kinds besides tables, functions and triggers, some with names that need quoting.
CREATE SCHEMA private;
GRANT USAGE ON SCHEMA private TO service_role;
CREATE TYPE public.team_kind AS ENUM ('club', 'company');
CREATE DOMAIN public."Score" AS integer DEFAULT 0 CHECK (VALUE BETWEEN 0 AND 100);
CREATE TYPE public."Point" AS (x double precision, "Y" double precision);
CREATE SEQUENCE public."Ticket Numbers" AS integer START 7;
CREATE TABLE public.scores (id int PRIMARY KEY, kind team_kind, score "Score", at "Point", note text);
GRANT SELECT (note) ON public.scores TO anon;
CREATE VIEW private.top_scores WITH (security_invoker = true) AS SELECT id, score FROM public.scores WHERE score > 90;
COMMENT ON VIEW private.top_scores IS 'Best ones';
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated;
