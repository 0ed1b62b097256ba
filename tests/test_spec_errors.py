"""Bad schema.yaml: every problem named with file:line, what is wrong and how to fix it.

Each case edits the real schema.yaml (old text -> new text) and names a fragment
of the expected message; the reported line must be the line of the edit.
"""

from __future__ import annotations

import shutil

import pytest

from supaschema.errors import UserError
from supaschema.spec.loader import parse_spec

from .helpers import ROOT, run_cli

SCHEMA = (ROOT / "schema.yaml").read_text("utf-8")

CURRENCY = "      currency: {type: text, nullable: false, default: \"'USD'\"}\n      is_active"
USAGE_POLICY = "        using: (select auth.uid()) = user_id"
COMMENT = "    comment: Price per 1k tokens for each model and provider."

# (case id, old text, new text, expected message fragment[, text on the line the problem must point at])
CASES = [
    ("yaml-syntax", "    comment: Price per 1k tokens for each model and provider.", "    comment: [unclosed", "YAML syntax error"),
    ("yaml-merge-key", "  user_balances:\n    comment:", "  user_balances:\n    <<: {rls: {enabled: true}}\n    comment:", "YAML merge keys (<<: *anchor) are not supported", "    <<: {rls:"),
    ("yaml-nul-escape", COMMENT, "    comment: \"Price\\0\"", "holds a NUL character", "    comment: \"Price"),
    ("unknown-key", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, nulable: false}", "unknown key 'nulable'"),
    ("unknown-key-suggests", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, nulable: false}", "did you mean 'nullable'?"),
    ("unknown-top-key", "triggers:\n", "trigers:\n", "unknown key 'trigers'"),
    ("trigger-comment-list", "    function: public.handle_new_user_balance\n", "    function: public.handle_new_user_balance\n    comment: [a, b]\n", "comment: expected a single value", "    comment: [a, b]"),
    ("default-privilege-unknown", "    tables: {anon: [], authenticated: []", "    tables: {anon: [execute], authenticated: []", "unknown privilege 'execute'", "    tables: {anon: [execute]"),
    ("default-privilege-object-type", "    sequences: {anon: [], authenticated: []", "    views: {anon: [], authenticated: []", "unknown key 'views'", "    views: {anon: []"),
    ("default-privilege-schema", "default_privileges:\n  public:\n", "default_privileges:\n  private:\n", "schema 'private' is not managed", "  private:"),
    ("default-privilege-for-public", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n    for_role:\n      public: {tables: {anon: []}}\n", "FOR ROLE needs a real role", "      public: {tables"),
    ("default-privilege-for-role-type", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n    for_role:\n      app_admin: {views: {anon: []}}\n", "unknown key 'views'", "      app_admin: {views"),
    ("default-privilege-for-role-privilege", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n", "    functions: {public: [], anon: [], authenticated: [], service_role: [all]}\n    for_role:\n      app_admin: {sequences: {anon: [execute]}}\n", "unknown privilege 'execute'", "      app_admin: {sequences"),
    ("default-privilege-not-placed", "    default_privileges: [public]\n", "", "default privileges of public are in no migration", '  - version: "20251018000001"'),
    ("extension-unknown-schema", "triggers:\n", "extensions:\n  citext: {schema: privat}\ntriggers:\n", "schema 'privat' is not declared", "  citext: {schema: privat}"),
    ("extension-bad-name", "triggers:\n", "extensions:\n  \"Cit Ext\": {}\ntriggers:\n", "cannot be declared here", '  "Cit Ext": {}'),
    ("extension-not-placed", "triggers:\n", "extensions:\n  citext:\ntriggers:\n", "extension citext is not in any migration", '  - version: "20251018000001"'),
    ("roles-not-a-list-of-names", "triggers:\n", "roles: [{app_user: select}]\ntriggers:\n", "roles", "roles: [{app_user: select}]"),
    ("sequence-owned-by-unknown-column", "triggers:\n", "sequences:\n  tickets: {owned_by: usage_records.ticket}\ntriggers:\n", "has no column 'ticket'", "  tickets: {owned_by: usage_records.ticket}"),
    ("sequence-not-a-number", "triggers:\n", "sequences:\n  tickets:\n    start: soon\ntriggers:\n", "'soon' is not a whole number", "    start: soon"),
    ("sequence-bad-type", "triggers:\n", "sequences:\n  tickets:\n    type: numeric\ntriggers:\n", "'numeric' is not one of", "    type: numeric"),
    ("sequence-not-placed", "triggers:\n", "sequences:\n  tickets: {}\ntriggers:\n", "sequence public.tickets is not in any migration", '  - version: "20251018000001"'),
    ("domain-bad-type", "triggers:\n", "domains:\n  amount:\n    type: \"numeric(((\"\ntriggers:\n", "is not a PostgreSQL type", '    type: "numeric((("'),
    ("domain-bad-check", "triggers:\n", "domains:\n  amount:\n    type: numeric\n    checks: {positive: \"VALUE >\"}\ntriggers:\n", "does not parse", '    checks: {positive: "VALUE >"}'),
    ("domain-not-placed", "triggers:\n", "domains:\n  amount: {type: numeric}\ntriggers:\n", "domain public.amount is not in any migration", '  - version: "20251018000001"'),
    ("composite-bad-type", "triggers:\n", "composite_types:\n  pair:\n    attributes: {amount: \"numeric(((\"}\ntriggers:\n", "is not a PostgreSQL type", '    attributes: {amount: "numeric((("}'),
    ("composite-not-placed", "triggers:\n", "composite_types:\n  pair: {attributes: {amount: numeric}}\ntriggers:\n", "composite type public.pair is not in any migration", '  - version: "20251018000001"'),
    ("column-grant-unknown", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, nullable: false, grants: {anon: [delete]}}", "unknown privilege 'delete'"),
    ("owner-not-a-name", "triggers:\n", "owner: [postgres]\ntriggers:\n", "owner", "owner: [postgres]"),
    ("wrong-type-bool", "    rls: {enabled: true}\n    policies:\n      Anyone", "    rls: {enabled: maybe}\n    policies:\n      Anyone", "expected true or false"),
    ("wrong-type-list", "    unique:\n      - [model_id, provider_id]", "    unique: model_id", "expected a list"),
    ("missing-type", "      id: {type: uuid, primary_key: true, default: gen_random_uuid()}\n      model_id", "      id: {primary_key: true, default: gen_random_uuid()}\n      model_id", "missing required key 'type'"),
    ("duplicate-column", "      provider_id: {type: text, nullable: false}\n      # numeric", "      provider_id: {type: text, nullable: false}\n      model_id: {type: text}\n      # numeric", "duplicate name 'model_id'"),
    ("duplicate-table", "  usage_records:\n    comment:", "  model_pricing:\n    columns: {x: {type: text}}\n  usage_records:\n    comment:", "duplicate name 'model_pricing'"),
    ("duplicate-policy", "      Users can read their own balance:\n", "      Users can create their own zero balance:\n", "duplicate name 'Users can create their own zero balance'",
     "      Users can create their own zero balance:\n        command: insert"),
    ("policy-missing-column", "        with_check: (select auth.uid()) = user_id and balance = 0", "        with_check: (select auth.uid()) = usr_id and balance = 0", "refers to column 'usr_id'"),
    ("policy-unparsable", "        using: \"true\"", "        using: \"true and (\"", "does not parse as a PostgreSQL expression"),
    ("policy-injection", "        using: \"true\"", "        using: \"true); DROP TABLE public.model_pricing; --\"", "must be a single SQL expression"),
    ("index-missing-column", "        columns: [user_id, created_at desc]", "        columns: [user_id, created desc]", "column 'created' does not exist in table 'usage_records'"),
    ("fk-missing-table", "        references: {table: auth.users, column: id, on_delete: cascade}\n      model_id", "        references: {table: auth.user, column: id, on_delete: cascade}\n      model_id", "references table auth.user, which is not declared"),
    ("fk-missing-column", "        references: {table: auth.users, column: id, on_delete: cascade}\n      model_id", "        references: {table: auth.users, column: uid, on_delete: cascade}\n      model_id", "references column 'uid'"),
    ("fk-bad-action", "        references: {table: auth.users, column: id, on_delete: cascade}\n      model_id", "        references: {table: auth.users, column: id, on_delete: explode}\n      model_id", "'explode' is not one of"),
    ("seed-missing-table", "seeds:\n  model_pricing:", "seeds:\n  model_prices:", "seeds name table 'model_prices', which is not declared"),
    ("seed-missing-column", "    columns: [provider_id, model_id, input_price_per_1k_tokens, output_price_per_1k_tokens]", "    columns: [provider_id, model_id, input_price, output_price_per_1k_tokens]", "column 'input_price' does not exist"),
    ("seed-row-width", "      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, 0.0025]", "has 3 values but `columns` names 4"),
    ("seed-non-numeric", "      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, cheap, 0.01]", "'cheap' is not a number"),
    ("seed-duplicate-key", "      - [openai, gpt-4o-mini, 0.00015, 0.0006]", "      - [openai, gpt-4o, 0.00015, 0.0006]", "duplicate key"),
    ("seed-key-not-unique", "    key: [model_id, provider_id]", "    key: [model_id]", "no primary key or unique constraint on (model_id)"),
    ("check-unparsable", "check: total_spent >= 0}", "check: total_spent >= }", "does not parse as a PostgreSQL expression"),
    ("default-injection", "      updated_at: {type: timestamptz, nullable: false, default: now()}\n    unique", "      updated_at: {type: timestamptz, nullable: false, default: \"now(); DROP TABLE auth.users\"}\n    unique", "must be a single SQL expression"),
    ("bad-type", "      model_id: {type: text, nullable: false}", "      model_id: {type: \"text(\", nullable: false}", "is not a PostgreSQL type"),
    ("migration-unknown-table", "    tables: [model_pricing, usage_records, user_balances]", "    tables: [model_pricing, usage_record, user_balances]", "'usage_record' is not declared under `tables:`"),
    ("migration-unknown-policy", "      - model_pricing: Anyone can read model pricing", "      - model_pricing: Everyone can read model pricing", "policy 'Everyone can read model pricing' on table 'model_pricing' is not declared"),
    ("object-in-no-migration", "    triggers: [on_auth_user_created_create_balance]\n", "", "trigger on_auth_user_created_create_balance is not in any migration", "  - version: \"20251018000001\""),
    ("bad-version", "  - version: \"20251018000002\"", "  - version: \"2025-10-18\"", "is not a 14-digit timestamp"),
    ("trigger-missing-function", "    function: public.handle_new_user_balance", "    function: public.handle_new_user", "function public.handle_new_user is not declared"),
    # triggers: WHEN, UPDATE OF and REFERENCING are checked where PostgreSQL would refuse them
    ('trigger-when-unknown-column', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    when: OLD.price IS DISTINCT FROM NEW.price\n', "refers to column 'price', which the table does not have", '    when: OLD.price'),
    ('trigger-when-bare-column', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    when: is_active\n', 'without OLD. or NEW.', '    when: is_active'),
    ('trigger-when-subquery', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    when: NEW.is_active AND (SELECT true)\n', "a subquery is not allowed in a trigger's WHEN", '    when: NEW.is_active AND'),
    ('trigger-when-unparsable', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    when: NEW.is_active AND\n', 'does not parse', '    when: NEW.is_active AND'),
    ('trigger-update-of-unknown', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    update_of: [prices]\n', "column 'prices' does not exist in table 'model_pricing'", '    update_of: [prices]'),
    ('trigger-referencing-before', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    referencing: {new_table: changed}\n', 'transition tables need an AFTER trigger', '    referencing: {new_table: changed}'),
    ('trigger-argument-not-scalar', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n', '    table: model_pricing\n    timing: before\n    events: [update]\n    for_each: row\n    function: public.set_updated_at\n    arguments: [{a: b}]\n', 'expected a single value', '    arguments: [{a: b}]'),
    ("trigger-when-old-on-insert", "    events: [insert]\n    for_each: row\n    function: public.handle_new_user_balance\n", "    events: [insert]\n    for_each: row\n    function: public.handle_new_user_balance\n    when: OLD.email IS NULL\n", "reads OLD, which the insert event does not have", "    when: OLD.email IS NULL"),
    ("definer-without-search-path", "    search_path: \"\"\n", "", "must pin its search_path", "    returns: trigger"),
    ("view-injection", "      FROM public.usage_records\n", "      FROM public.usage_records; DROP TABLE public.usage_records\n",
     "must be a single SELECT", "    query: |\n      SELECT user_id,"),
    ("view-not-a-select", "    query: |\n      SELECT user_id,", "    query: |\n      DELETE FROM public.usage_records RETURNING user_id,",
     "views.public.user_usage_daily.query", "    query: |\n      DELETE"),
    ("view-index-not-materialized", "    grants:\n      authenticated: [select]\n      service_role: [select]",
     "    indexes: {daily_idx: {columns: [day]}}\n    grants:\n      authenticated: [select]\n      service_role: [select]",
     "only a materialized view can have indexes"),
    ("view-unknown-key", "    query: |\n      SELECT user_id,", "    security_definer: true\n    query: |\n      SELECT user_id,", "unknown key 'security_definer'"),
    ("view-in-no-migration", "    views: [public.user_usage_daily]\n", "", "view public.user_usage_daily is not in any migration",
     "  - version: \"20251018000001\""),
    ("function-bad-row-type", "    returns: public.usage_records", "    returns: public.usage_records; DROP", "is not a PostgreSQL type"),
    # What PostgreSQL refuses in a DEFAULT, CHECK, generated column or index predicate, caught before any SQL runs.
    ("default-subquery", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"(select 'USD')\""), "a subquery is not allowed in a DEFAULT"),
    ("default-exists", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"exists (select 1 from public.usage_records)\""), "a subquery is not allowed in a DEFAULT"),
    ("default-aggregate", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"max('USD')\""), "an aggregate function is not allowed in a DEFAULT"),
    ("default-window", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"row_number() over ()\""), "a window function is not allowed in a DEFAULT"),
    ("default-set-returning", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"unnest(array['USD'])\""), "a set-returning function is not allowed in a DEFAULT"),
    ("default-column", CURRENCY, CURRENCY.replace("\"'USD'\"", "model_id"), "a DEFAULT cannot refer to a column ('model_id')"),
    ("check-subquery", "check: total_spent >= 0}", "check: \"total_spent >= (select 0)\"}", "a subquery is not allowed in a CHECK constraint"),
    ("check-aggregate", "check: total_spent >= 0}", "check: \"sum(total_spent) >= 0\"}", "an aggregate function is not allowed in a CHECK constraint"),
    ("index-where-subquery", "        columns: [user_id, created_at desc]", "        columns: [user_id, created_at desc]\n        where: input_tokens > (select 0)",
     "a subquery is not allowed in an index predicate"),
    # Unknown columns are found outside a subquery; inside one, names may belong to its own tables.
    ("policy-unknown-column-next-to-subquery", USAGE_POLICY,
     "        using: exists (select 1 from public.user_balances b where b.user_id = user_id) and usr_id = user_id",
     "refers to column 'usr_id'"),
    ("policy-unknown-column-next-to-in-subquery", USAGE_POLICY,
     "        using: \"model_id in (select model_id from public.model_pricing) and modl = 'x'\"", "refers to column 'modl'"),
    # Versions and names: ASCII only, and a trailing newline is not swallowed by `$`.
    ("version-arabic-indic-digits", "  - version: \"20251018000002\"", "  - version: \"\u0662\u0660\u0662\u0665\u0661\u0660\u0661\u0668\u0660\u0660\u0660\u0660\u0660\u0662\"",
     "is not a 14-digit timestamp (ASCII digits 0-9)"),
    ("version-fullwidth-digits", "  - version: \"20251018000002\"", "  - version: \"\uff12\uff10\uff12\uff15\uff11\uff10\uff11\uff18\uff10\uff10\uff10\uff10\uff10\uff12\"",
     "is not a 14-digit timestamp"),
    ("version-trailing-newline", "  - version: \"20251018000002\"", "  - version: \"20251018000002\\n\"", "is not a 14-digit timestamp"),
    ("name-trailing-newline", "    name: seed_model_pricing", "    name: \"seed_model_pricing\\n\"", "must be 1 to 100 lowercase ASCII letters"),
    ("name-non-ascii-letters", "    name: seed_model_pricing", "    name: seed_model_pr\u0131cing", "must be 1 to 100 lowercase ASCII letters"),
    # renamed_from: the old name must be gone from schema.yaml, as for columns.
    ("renamed-table-still-declared", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: model_pricing\n    comment:",
     "renamed_from: 'model_pricing' is still a table in schema.yaml", "    renamed_from: model_pricing"),
    ("renamed-table-from-itself", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: user_balances\n    comment:",
     "'user_balances' is still a table", "    renamed_from: user_balances"),
    ("renamed-view-still-declared", "  public.user_usage_daily:\n", "  public.user_usage_daily:\n    renamed_from: user_usage_daily\n",
     "'user_usage_daily' is still a view in schema public", "    renamed_from: user_usage_daily"),
    # --- function overloads: a name maps to a list of mappings, each with its own arguments ---
    ("function-overloads-same-types", "  public.set_updated_at:\n",
     "  public.label:\n    - {arguments: n integer, returns: text, language: sql, body: SELECT n::text}\n"
     "    - {arguments: 'out x text, m int4 DEFAULT 1', returns: text, language: sql, body: SELECT m::text}\n  public.set_updated_at:\n",
     "has the same argument types (integer) as functions.public.label[0] (line", "    - {arguments: 'out x text"),
    ("function-overloads-empty", "  public.set_updated_at:\n", "  public.label: []\n  public.set_updated_at:\n",
     "functions.public.label: an empty list declares no function", "  public.label: []"),
    ("function-overload-missing-key", "  public.set_updated_at:\n",
     "  public.label:\n    - {arguments: n integer, returns: text, language: sql, body: SELECT 1}\n    - {arguments: t text, language: sql, body: SELECT 2}\n"
     "  public.set_updated_at:\n", "functions.public.label[1]: missing required key 'returns'", "    - {arguments: t text"),
    ("renamed-function-still-declared", "  public.set_updated_at:\n", "  public.set_updated_at:\n    renamed_from: record_usage\n",
     "'record_usage' is still a function in schema public", "    renamed_from: record_usage"),
    ("renamed-policy-still-declared", "      Users can read their own usage:\n", "      Users can read their own usage:\n        renamed_from: Users can read their own usage\n",
     "is still a policy of this table", "        renamed_from: Users can read their own usage"),
    # renamed_from qualified like schema.yaml's keys: its own schema only (read bare, another schema's name never matched).
    # A key's name is derived: the fix is a shorter table or column name, not a `checks:` entry.
    ("derived-key-name-too-long", "  usage_records:\n    comment:", "  tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt:\n    columns: {id: {type: int, primary_key: true}}\n  usage_records:\n    comment:",
     "shorten the table or column name", "    columns: {id: {type: int, primary_key: true}}"),
    ("renamed-table-from-another-schema", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: private.old_balances\n    comment:",
     "'private.old_balances' is in schema private, but a rename stays in its schema (public)", "    renamed_from: private.old_balances"),
    ("renamed-view-from-another-schema", "  public.user_usage_daily:\n", "  public.user_usage_daily:\n    renamed_from: api.daily\n",
     "a rename stays in its schema (public)", "    renamed_from: api.daily"),
    ("renamed-function-from-another-schema", "  public.set_updated_at:\n", "  public.set_updated_at:\n    renamed_from: private.touch\n",
     "a rename stays in its schema (public)", "    renamed_from: private.touch"),
    ("renamed-table-qualified-still-declared", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: public.model_pricing\n    comment:",
     "'model_pricing' is still a table in schema.yaml", "    renamed_from: public.model_pricing"),
    ("renamed-from-not-a-name", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: [a, b]\n    comment:",
     "renamed_from: expected a single value", "    renamed_from: [a, b]"),
    ("renamed-enum-value-still-there", "triggers:\n", "enums:\n  public.tier:\n    values: [free, {pro: {renamed_from: free}}]\ntriggers:\n",
     "'free' is still a value of this enum", "    values: [free, {pro: {renamed_from: free}}]"),
    ("renamed-enum-value-two-labels", "triggers:\n", "enums:\n  public.tier:\n    values: [{pro: {renamed_from: plus}, team: {renamed_from: x}}]\ntriggers:\n",
     "a renamed value is one label with its old one", "    values: [{pro: {renamed_from: plus}, team: {renamed_from: x}}]"),
    # Only the YAML core schema's tags: a tag is refused where it is written, never silently ignored.
    ("tag-python", COMMENT, "    comment: !!python/object/apply:os.system [echo hi]", "the YAML tag '!!python/object/apply:os.system' is not allowed"),
    ("tag-python-name", COMMENT, "    comment: !!python/name:os.system ''", "the YAML tag '!!python/name:os.system' is not allowed"),
    ("tag-local", COMMENT, "    comment: !secret pricing", "the YAML tag '!secret' is not allowed"),
    ("tag-binary", COMMENT, "    comment: !!binary aGVsbG8=", "the YAML tag '!!binary' is not allowed"),
    ("tag-on-mapping", "    rls: {enabled: true}\n    policies:\n      Anyone", "    rls: !!omap {enabled: true}\n    policies:\n      Anyone", "the YAML tag '!!omap' is not allowed"),
    # Seed rows PostgreSQL would refuse at push time, refused at their row instead.
    ("seed-numeric-overflow", "      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, 99999, 0.01]", "'99999' does not fit numeric(12,8)"),
    ("seed-breaks-check", "      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, -0.5, 0.01]",
     "breaks CHECK model_pricing_input_price_per_1k_tokens_check ('input_price_per_1k_tokens >= 0') with input_price_per_1k_tokens = -0.5"),
    ("seed-null-in-not-null", "      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, null, 0.01]", "is null but the column is NOT NULL"),
    ("seed-omits-not-null-column", "      is_active: {type: boolean, nullable: false, default: \"true\"}", "      is_active: {type: boolean, nullable: false}",
     "column 'is_active' is NOT NULL and has no default", "    columns: [provider_id, model_id, input_price_per_1k_tokens"),
    ("seed-fills-generated-column", "      model_id: {type: text, nullable: false}", "      model_id: {type: text, generated: \"upper(provider_id)\"}",
     "column 'model_id' is generated: PostgreSQL refuses values for it", "    columns: [provider_id, model_id, input_price_per_1k_tokens"),
    ("tag-on-list", "    unique:\n      - [model_id, provider_id]", "    unique:\n      - !!set [model_id, provider_id]", "the YAML tag '!!set' is not allowed"),
]

# Edits that must still be accepted: the checks above must not produce false errors.
ACCEPTED = [
    ("default-special-values", CURRENCY, CURRENCY.replace("\"'USD'\"", "current_role")),
    ("default-function-call", CURRENCY, CURRENCY.replace("\"'USD'\"", "\"upper('usd')\"")),
    ("policy-correlated-subquery", USAGE_POLICY,
     "        using: exists (select 1 from public.user_balances b where b.user_id = user_id and balance > 0)"),
    ("policy-subquery-columns-of-its-own-table", USAGE_POLICY,
     "        using: \"model_id in (select model_id from public.model_pricing where is_active and currency = 'USD')\""),
    ("policy-quoted-user-column", USAGE_POLICY, "        using: (select auth.uid()) = \"user_id\""),
    ("renamed-from-a-name-gone", "  user_balances:\n    comment:", "  user_balances:\n    renamed_from: balances\n    comment:"),
    ("renamed-policy-from-another-tables-policy", "      Users can read their own usage:\n",
     "      Users can read their own usage:\n        renamed_from: Users can read their own balance\n"),
    ("tag-core-str", COMMENT, "    comment: !!str 12"),
    ("implicit-date-value", COMMENT, "    comment: 2024-01-01"),
]


def edited(old: str, new: str) -> tuple[str, int]:
    """The edited schema and the line where the edit starts."""
    assert SCHEMA.count(old) >= 1, f"case text not found in schema.yaml: {old!r}"
    line = SCHEMA[: SCHEMA.index(old)].count("\n") + 1
    return SCHEMA.replace(old, new, 1), line


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_with_its_line(case):
    _, old, new, fragment, *anchor = case
    text, edit_line = edited(old, new)
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    matching = [p for p in caught.value.problems if fragment in str(p)]
    assert matching, [str(p) for p in caught.value.problems]
    reported = int(matching[0].where.rsplit(":", 1)[1])
    if anchor:
        assert reported == line_of(text, anchor[0])
    else:  # somewhere within the edited lines
        assert edit_line <= reported <= edit_line + new.count("\n"), (reported, edit_line)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_valid_edit_is_accepted(case):
    _, old, new = case
    parse_spec(edited(old, new)[0], "schema.yaml")


BIG = "x" * 1_000_000
# Every message that quotes the user's text cuts it: a 1 MB value must not flood the terminal.
HUGE = [
    ("seed-number", "      - [openai, gpt-4o, 0.0025, 0.01]", f"      - [openai, gpt-4o, {BIG}, 0.01]", "is not a number"),
    ("expression", "check: total_spent >= 0}", f"check: \"{BIG} >= \"}}", "does not parse"),
    ("type", "      model_id: {type: text, nullable: false}", f"      model_id:\n        type: text({BIG}\n        nullable: false", "is not a PostgreSQL type"),
    # YAML keys longer than 1024 characters must be written as explicit `? key` entries.
    ("unknown-key", "      model_id: {type: text, nullable: false}", f"      model_id:\n        type: text\n        ? {BIG}\n        : false", "unknown key"),
    ("name-too-long", "  model_pricing:\n    comment:", f"  ? model_pricing{BIG}\n  :\n    comment:", "longer than PostgreSQL's 63-byte limit"),
    ("migration-name", "    name: seed_model_pricing", f"    name: {BIG}", "lowercase ASCII letters"),
    ("choice", "        command: select", f"        command: {BIG}", "is not one of"),
]


@pytest.mark.parametrize("case", HUGE, ids=[c[0] for c in HUGE])
def test_huge_input_is_cut_in_messages(case):
    _, old, new, fragment = case
    with pytest.raises(UserError) as caught:
        parse_spec(edited(old, new)[0], "schema.yaml")
    matching = [str(p) for p in caught.value.problems if fragment in str(p)]
    assert matching, [str(p)[:300] for p in caught.value.problems]
    assert all(len(str(p)) < 600 for p in caught.value.problems), [len(str(p)) for p in caught.value.problems]
    assert "more characters)" in matching[0]


def test_every_problem_is_reported_not_just_the_first():
    text, _ = edited("      model_id: {type: text, nullable: false}", "      model_id: {type: text, nulable: false}")
    text = text.replace("      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, cheap, 0.01]")
    text = text.replace("columns: [user_id, created_at desc]", "columns: [user_id, created desc]")
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    messages = "\n".join(str(p) for p in caught.value.problems)
    assert "nulable" in messages and "'cheap' is not a number" in messages and "'created'" in messages


def test_problems_carry_a_fix():
    text, _ = edited("      model_id: {type: text, nullable: false}", "      model_id: {type: text, nulable: false}")
    with pytest.raises(UserError) as caught:
        parse_spec(text, "schema.yaml")
    assert caught.value.problems[0].fix == "did you mean 'nullable'?"


@pytest.mark.parametrize("command", [["validate"], ["gen"], ["gen", "--check"]])
def test_cli_exits_2_without_traceback_and_touches_nothing(tmp_path, command):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "generated", project / "generated")
    before = {p.name: p.read_bytes() for p in (project / "generated").iterdir()}
    text, line = edited("      - [openai, gpt-4o, 0.0025, 0.01]", "      - [openai, gpt-4o, cheap, 0.01]")
    (project / "schema.yaml").write_text(text)
    result = run_cli(*command, cwd=project)
    assert result.code == 2
    assert "Traceback" not in result.err + result.out
    assert f"schema.yaml:{line}: seeds.model_pricing.rows[0].input_price_per_1k_tokens: 'cheap' is not a number" in result.err
    assert "fix: write a plain decimal" in result.err
    assert {p.name: p.read_bytes() for p in (project / "generated").iterdir()} == before


def test_missing_schema_file(tmp_path):
    result = run_cli("validate", "--schema", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert result.code == 2 and "file not found" in result.err and "Traceback" not in result.err


def test_unwritable_output_folder_leaves_nothing(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = run_cli("gen", "--out", str(blocker / "generated"))
    assert result.code == 2
    assert "cannot create the output folder" in result.err and "Traceback" not in result.err
    assert blocker.read_text() == "x"
