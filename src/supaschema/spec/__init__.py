"""Stage 1: schema.yaml -> the typed, validated spec (with file:line for every problem)."""
