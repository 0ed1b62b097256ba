"""Before a push: the data preconditions of pending statements, recognised in their SQL and counted read-only on the target."""
