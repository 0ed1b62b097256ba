"""supaschema lint: Supabase's database advisors (splinter's rules) and this project's own, run in
Python over a catalog snapshot, so nothing is added to the user's database.

model.py holds the shapes (Rule, Hit, Finding), rules/ one module per rule, config.py the `lint:`
section of schema.yaml, engine.py runs the rules and applies ignores, output.py and sarif.py format.
"""
