-- Triggers with arguments, WHEN, UPDATE OF and a transition table, written by hand: EXECUTE PROCEDURE,
-- other case and layout in WHEN, bare words as arguments. tests/test_triggers.py reads it as the
-- hand-written spelling of tests/golden/triggers.
create table prices (
  id bigint generated always as identity primary key,
  amount numeric(12, 2) not null,
  currency text not null default 'USD',
  note text
);
create table price_changes (
  id bigint generated always as identity primary key,
  price_id bigint not null,
  source text not null,
  rows_changed integer not null default 1
);
create function log_price_change() returns trigger language plpgsql set search_path = '' as $$
BEGIN
  INSERT INTO public.price_changes (price_id, source) VALUES (NEW.id, TG_ARGV[0]);
  RETURN NEW;
END;
$$;
create function count_price_changes() returns trigger language plpgsql set search_path = '' as $$
BEGIN
  INSERT INTO public.price_changes (price_id, source, rows_changed)
  SELECT 0, TG_ARGV[0], count(*)::integer FROM changed;
  RETURN NULL;
END;
$$;
create trigger prices_log_amount after update of amount, currency on public.prices for each row
  when ( ( old.amount is distinct from new.amount ) or (OLD.currency <> NEW.currency) )
  execute procedure public.log_price_change(update, 'it''s 1');
comment on trigger prices_log_amount on public.prices is 'Only real changes of the amount or the currency are logged.';
create trigger prices_log_insert after insert or delete on prices for each row execute procedure log_price_change('insert or delete');
create trigger prices_count_inserts after insert on prices referencing new table as changed
  for each statement execute procedure count_price_changes(bulk);
