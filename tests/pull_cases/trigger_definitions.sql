-- Triggers with arguments, WHEN, UPDATE OF and a transition table, written by hand.

CREATE TABLE IF NOT EXISTS public.prices (
    id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    amount numeric(12,2) NOT NULL,
    currency text NOT NULL DEFAULT 'USD',
    note text,
    CONSTRAINT prices_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.price_changes (
    id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    price_id bigint NOT NULL,
    source text NOT NULL,
    rows_changed integer NOT NULL DEFAULT 1,
    CONSTRAINT price_changes_pkey PRIMARY KEY (id)
);

CREATE OR REPLACE FUNCTION public.log_price_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $body$BEGIN
  INSERT INTO public.price_changes (price_id, source) VALUES (NEW.id, TG_ARGV[0]);
  RETURN NEW;
END;
$body$;

CREATE OR REPLACE FUNCTION public.count_price_changes()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $body$BEGIN
  INSERT INTO public.price_changes (price_id, source, rows_changed)
  SELECT 0, TG_ARGV[0], count(*)::integer FROM changed;
  RETURN NULL;
END;
$body$;


create trigger prices_log_amount after update of amount, currency on public.prices for each row
  when ( ( old.amount is distinct from new.amount ) or (OLD.currency <> NEW.currency) )
  execute procedure public.log_price_change(update, 'it''s 1');
comment on trigger prices_log_amount on public.prices is 'Only real changes of the amount or the currency are logged.';
create trigger prices_log_insert after insert or delete on prices for each row execute procedure log_price_change('insert or delete');
create trigger prices_count_inserts after insert on prices referencing new table as changed
  for each statement execute procedure count_price_changes(bulk);
