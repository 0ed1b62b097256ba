"""SQL as text, the one place names and values become SQL: quoting, and splitting files into statements."""
