"""A function's arguments change through the CLI: diff reports one change, gen drops and recreates
the function with its grants (never a missing one and an extra one), push applies it, replays are harmless."""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest

from .helpers import ROOT, run_cli

OLD_ARGUMENTS = "    arguments: p_user_id uuid, p_model_id text, p_provider_id text, p_input_tokens integer, p_output_tokens integer\n"
NEW_ARGUMENTS = OLD_ARGUMENTS.replace("p_output_tokens integer", "p_output_tokens integer, p_cached_tokens integer DEFAULT 0")


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "schema.yaml", tmp_path / "schema.yaml")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    return tmp_path


def test_new_arguments_recreate_the_function_with_its_grants(project, throwaway):
    live = throwaway.create([], prefix="signature")
    try:
        assert run_cli("push", "--db", live.url, cwd=project).code == 0
        text = (project / "schema.yaml").read_text()
        assert OLD_ARGUMENTS in text
        (project / "schema.yaml").write_text(text.replace(OLD_ARGUMENTS, NEW_ARGUMENTS, 1))

        reported = run_cli("diff", "--format", "json", cwd=project)
        assert reported.code == 1, reported.err
        items = [(d["kind"], d["object"], d["change"], d["field"]) for d in json.loads(reported.out)["drift"]]
        assert items == [("function", "public.record_usage(uuid, text, text, integer, integer, integer)", "changed", "argument_types")]

        assert run_cli("gen", "--name", "cached_tokens", cwd=project).code == 0
        written = next((project / "generated").glob("*_cached_tokens.sql")).read_text()
        assert "DROP FUNCTION IF EXISTS public.record_usage(uuid, text, text, integer, integer);" in written, written
        assert "GRANT EXECUTE ON FUNCTION public.record_usage(uuid, text, text, integer, integer, integer) TO service_role;" in written
        assert run_cli("gen", "--check", cwd=project).code == 0

        assert run_cli("push", "--db", live.url, cwd=project).code == 0
        with psycopg.connect(live.url, autocommit=True) as conn:
            conn.execute(written)  # again: harmless
            signature = "public.record_usage(uuid, text, text, integer, integer, integer)"
            assert conn.execute(f"SELECT has_function_privilege('service_role', '{signature}', 'EXECUTE'), "
                                f"has_function_privilege('anon', '{signature}', 'EXECUTE'), "
                                "to_regprocedure('public.record_usage(uuid, text, text, integer, integer)')").fetchone() == (True, False, None)
        assert run_cli("diff", "--db", live.url, cwd=project).code == 0
    finally:
        throwaway.drop(live)
