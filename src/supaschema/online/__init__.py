"""Shipping to a busy database: what each statement locks (locks.py), measured on the target (hazards.py),
applied with lock timeouts, retries and concurrent builds (applying.py), and who blocks it (blockers.py)."""
