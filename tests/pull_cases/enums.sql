-- Enums: values in their sort order, one added later BEFORE another, a column and a default using one.
CREATE TYPE public.plan_tier AS ENUM ('free', 'team');
ALTER TYPE public.plan_tier ADD VALUE 'pro' BEFORE 'team';
create type public."status" as enum ('on', 'off', 'it''s');
CREATE TABLE public.accounts (id int PRIMARY KEY, tier public.plan_tier NOT NULL DEFAULT 'free', state status);
