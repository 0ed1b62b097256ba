-- Views and materialized views: security_invoker either way, grants, comments, a view reading a view.
CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric NOT NULL, placed_at date NOT NULL);
CREATE VIEW public.big_orders WITH (security_invoker = true) AS SELECT id, amount FROM public.orders WHERE amount > 100;
create view public.order_ids as select id from big_orders;
COMMENT ON VIEW public.order_ids IS 'Runs as its owner';
REVOKE ALL ON public.big_orders FROM anon, authenticated, service_role;
GRANT SELECT ON public.big_orders TO authenticated;
CREATE MATERIALIZED VIEW public.daily_totals AS SELECT placed_at, sum(amount) AS total FROM public.orders GROUP BY placed_at;
COMMENT ON MATERIALIZED VIEW public.daily_totals IS 'Refreshed nightly';
CREATE UNIQUE INDEX daily_totals_day_idx ON public.daily_totals (placed_at);
CREATE INDEX daily_totals_big_idx ON public.daily_totals USING btree (total DESC) WHERE total > 1000;
