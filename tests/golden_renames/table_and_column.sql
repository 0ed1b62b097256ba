-- rename table public.balances [LOCKS_TABLE]
DO $body$
BEGIN
IF pg_catalog.to_regclass('public.user_balances') IS NOT NULL AND pg_catalog.to_regclass('public.balances') IS NULL THEN
    ALTER TABLE public.user_balances RENAME TO balances;
END IF;
END;
$body$;

-- rename column public.balances.balance_currency [LOCKS_TABLE]
DO $body$
BEGIN
IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass('public.balances') AND attname = 'currency' AND NOT attisdropped) THEN
    ALTER TABLE public.balances RENAME COLUMN currency TO balance_currency;
END IF;
END;
$body$;

-- rename constraint public.balances.balances_pkey [LOCKS_TABLE]
DO $body$
BEGIN
IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'user_balances_pkey') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'balances_pkey') THEN
    ALTER TABLE public.balances RENAME CONSTRAINT user_balances_pkey TO balances_pkey;
END IF;
END;
$body$;

-- rename constraint public.balances.balances_total_spent_check [LOCKS_TABLE]
DO $body$
BEGIN
IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'user_balances_total_spent_check') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'balances_total_spent_check') THEN
    ALTER TABLE public.balances RENAME CONSTRAINT user_balances_total_spent_check TO balances_total_spent_check;
END IF;
END;
$body$;

-- rename constraint public.balances.balances_user_id_fkey [LOCKS_TABLE]
DO $body$
BEGIN
IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'user_balances_user_id_fkey') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = pg_catalog.to_regclass('public.balances') AND conname = 'balances_user_id_fkey') THEN
    ALTER TABLE public.balances RENAME CONSTRAINT user_balances_user_id_fkey TO balances_user_id_fkey;
END IF;
END;
$body$;