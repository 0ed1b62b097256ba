-- Domains: base type, NOT NULL, default, collation, named checks, a comment and USAGE grants; a column uses one.
CREATE DOMAIN public.amount AS numeric(18,10) NOT NULL DEFAULT 0 CONSTRAINT amount_not_negative CHECK (VALUE >= 0);
ALTER DOMAIN public.amount ADD CONSTRAINT amount_small CHECK (VALUE < 1e9);
COMMENT ON DOMAIN public.amount IS 'Money, exact';
create domain public.code text collate "C" check (value ~ '^[A-Z]{3}$');
REVOKE USAGE ON DOMAIN public.code FROM PUBLIC;
GRANT USAGE ON DOMAIN public.code TO authenticated;
CREATE TABLE public.wallets (id int PRIMARY KEY, balance amount, currency public.code);
