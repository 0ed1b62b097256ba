DROP TABLE public.model_pricing;
