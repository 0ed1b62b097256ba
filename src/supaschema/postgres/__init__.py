"""Stage 3: PostgreSQL servers, connections (read-only for live databases) and throwaway shadow databases."""
