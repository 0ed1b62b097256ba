"""Stage 4: a database -> a plain-data catalog snapshot; the desired, history and live states."""
