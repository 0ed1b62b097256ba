-- Column privileges besides the table's: GRANT SELECT (col), UPDATE (col) ..., several roles, quoted names.
CREATE TABLE public.profiles (id uuid PRIMARY KEY, display_name text, "Email Address" text, bio text);
REVOKE ALL ON public.profiles FROM anon, authenticated;
GRANT SELECT (id, display_name), UPDATE (display_name, bio) ON public.profiles TO authenticated;
grant select ("Email Address") on table public.profiles to service_role;
GRANT REFERENCES (id) ON public.profiles TO anon;
