"""Adoption: a live database -> schema.yaml (`pull`), and the `unmanaged:` objects left alone."""
