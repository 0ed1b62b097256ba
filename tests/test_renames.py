"""renamed_from: gen writes RENAME (the data stays), never DROP and ADD; push ships it; replays are harmless."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from .helpers import ROOT, run_cli

OLD = "      currency: {type: text, nullable: false, default: \"'USD'\"}\n      is_active"
NEW = "      price_currency: {type: text, nullable: false, default: \"'USD'\", renamed_from: currency}\n      is_active"


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    return tmp_path


@pytest.fixture
def live(throwaway):
    target = throwaway.create([], prefix="rename")
    yield target.url
    throwaway.drop(target)


def test_renamed_column_keeps_its_rows(project, live):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        conn.execute("UPDATE public.model_pricing SET currency = 'EUR' WHERE model_id = 'gpt-4'")
    text = (project / "schema.yaml").read_text()
    assert OLD in text
    (project / "schema.yaml").write_text(text.replace(OLD, NEW, 1))

    result = run_cli("gen", "--name", "rename_currency", cwd=project)
    assert result.code == 0, result.err
    written = next((project / "generated").glob("*_rename_currency.sql")).read_text()
    assert "RENAME COLUMN currency TO price_currency" in written and "DROP" not in written, written
    assert run_cli("gen", "--check", cwd=project).code == 0

    assert run_cli("push", "--db", live, cwd=project).code == 0
    with psycopg.connect(live, autocommit=True) as conn:
        rows = conn.execute("SELECT model_id, price_currency FROM public.model_pricing ORDER BY 1").fetchall()
        assert len(rows) == 15 and ("gpt-4", "EUR") in rows and ("gpt-4o", "USD") in rows
        conn.execute(written)  # the migration again: the rename is skipped, nothing fails
    assert run_cli("diff", "--db", live, cwd=project).code == 0
    validated = run_cli("validate", cwd=project)
    assert validated.code == 0 and "note: tables.model_pricing.columns.price_currency.renamed_from is stale" in validated.out


def test_plan_renames_a_live_column(project, live):
    assert run_cli("push", "--db", live, cwd=project).code == 0
    text = (project / "schema.yaml").read_text()
    (project / "schema.yaml").write_text(text.replace(OLD, NEW, 1))
    printed = run_cli("plan", "--db", live, cwd=project)
    assert printed.code == 0 and "rename column public.model_pricing.price_currency" in printed.out
    assert "DROP" not in printed.out, printed.out


def test_renamed_from_an_existing_column_is_refused(project):
    text = (project / "schema.yaml").read_text().replace(
        "      model_id: {type: text, nullable: false}\n      provider_id",
        "      model_id: {type: text, nullable: false, renamed_from: provider_id}\n      provider_id", 1)
    (project / "schema.yaml").write_text(text)
    result = run_cli("validate", cwd=project)
    assert result.code == 2 and "renamed_from: 'provider_id' is still a column of this table" in result.err
