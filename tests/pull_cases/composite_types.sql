-- Composite types: attributes in order (a collation, a domain, quoted names), a comment, USAGE grants.
CREATE DOMAIN public.positive AS integer CHECK (VALUE > 0);
CREATE TYPE public.money_amount AS (amount numeric(18,10), currency text, "Count" positive);
COMMENT ON TYPE public.money_amount IS 'An amount and its currency';
REVOKE USAGE ON TYPE public.money_amount FROM PUBLIC;
GRANT USAGE ON TYPE public.money_amount TO service_role, authenticated;
create type public.pair as (a int, b int);
CREATE TABLE public.ledger (id int PRIMARY KEY, total money_amount);
