"""Stage 6: drift items -> ordered, hazard-tagged operations -> repair or evolution SQL."""
