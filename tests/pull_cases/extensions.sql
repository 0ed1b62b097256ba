-- An extension in public (pull declares it; lint would warn), one in Supabase's extensions schema
-- (the platform's: not written), and a column using the first one's type.
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA extensions;
CREATE TABLE public.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email public.citext NOT NULL UNIQUE
);
