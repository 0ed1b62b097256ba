"""Stage 5: two snapshots -> drift items -> a report (text or JSON)."""
