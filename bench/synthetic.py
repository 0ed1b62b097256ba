"""Synthetic projects for the benchmark: N tables shaped like a real Supabase schema.

Each table has 10 columns, a foreign key to auth.users, a unique constraint, a
check, an index, RLS, two policies and grants; one extra table is seeded with many rows.
The same generator writes schema.yaml and the SQL that drifts a database from it.
"""

from __future__ import annotations


def table_name(i: int) -> str:
    return f"t{i:05d}"


def schema_yaml(n: int, seed_rows: int = 10_000) -> str:
    out = ["tables:"]
    for i in range(n):
        t = table_name(i)
        out += [
            f"  {t}:",
            "    columns:",
            "      id: {type: uuid, primary_key: true, default: gen_random_uuid()}",
            "      user_id: {type: uuid, nullable: false, references: {table: auth.users, column: id, on_delete: cascade}}",
            "      slug: {type: text, nullable: false}",
            "      title: {type: text}",
            "      amount: {type: \"numeric(12,4)\", nullable: false, default: \"0\", check: amount >= 0}",
            "      quantity: {type: integer, nullable: false, default: \"1\"}",
            "      active: {type: boolean, nullable: false, default: \"true\"}",
            "      payload: {type: jsonb}",
            "      created_at: {type: timestamptz, nullable: false, default: now()}",
            "      updated_at: {type: timestamptz, nullable: false, default: now()}",
            "    unique:",
            "      - [user_id, slug]",
            "    indexes:",
            f"      {t}_created_at_idx: {{columns: [created_at desc]}}",
            "    rls: {enabled: true}",
            "    grants: {anon: [select], authenticated: [select, insert], service_role: [all]}",
            "    policies:",
            "      owner reads:",
            "        command: select",
            "        roles: [authenticated]",
            "        using: (select auth.uid()) = user_id",
            "      owner writes:",
            "        command: insert",
            "        roles: [authenticated]",
            "        with_check: (select auth.uid()) = user_id",
        ]
    out += [
        "  prices:",
        "    columns:",
        "      sku: {type: text, primary_key: true}",
        "      price: {type: \"numeric(12,8)\", nullable: false}",
        "      label: {type: text}",
        "    rls: {enabled: true}",
        "seeds:",
        "  prices:",
        "    key: [sku]",
        "    columns: [sku, price, label]",
        "    rows:",
    ]
    out += [f"      - [sku-{i:06d}, {(i % 997) / 10000 + 0.0001:.8f}, \"item {i}\"]" for i in range(seed_rows)]
    tables = ", ".join(table_name(i) for i in range(n))
    policies = "\n".join(f"      - {table_name(i)}: owner reads\n      - {table_name(i)}: owner writes" for i in range(n))
    out += [
        "migrations:",
        '  - version: "20250101000001"',
        "    name: tables",
        f"    tables: [{tables}, prices]",
        "    policies:",
        policies,
        '  - version: "20250101000002"',
        "    name: seeds",
        "    seeds: [prices]",
    ]
    return "\n".join(out) + "\n"


def drift_sql(n: int) -> str:
    """A handful of drifts: one column and one policy (the peers' case), plus a price and a grant."""
    return "\n".join([
        f"ALTER TABLE public.{table_name(n // 2)} ADD COLUMN note text;",
        f'ALTER POLICY "owner reads" ON public.{table_name(n // 3)} TO anon, authenticated;',
        "UPDATE public.prices SET price = price + 0.00000001 WHERE sku = 'sku-000042';",
        f"REVOKE SELECT ON public.{table_name(n - 1)} FROM anon;",
    ]) + "\n"


def expected_drift_objects(n: int, with_seeds: bool = True) -> set[str]:
    """What drift_sql plants, as drift item objects (seed rows only when schema.yaml is read)."""
    planted = {f"public.{table_name(n // 2)}.note", f'public.{table_name(n // 3)}."owner reads"', f"public.{table_name(n - 1)}"}
    return planted | ({"public.prices[sku-000042]"} if with_seeds else set())
