-- Names PostgreSQL keeps only when quoted.
CREATE TABLE public."Order" ("select" integer PRIMARY KEY, "Mixed Case" text, "with""quote" text NOT NULL DEFAULT '');
CREATE TABLE public."user" (id uuid PRIMARY KEY, "order" integer REFERENCES public."Order" ("select"));
CREATE INDEX "Order idx" ON public."Order" ("select" DESC);
ALTER TABLE public."Order" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "it's ""quoted""" ON public."Order" FOR SELECT TO anon USING ("select" > 0);
