"""Production settings pass Django's deployment checklist without a single warning."""

from __future__ import annotations

from .production import production_env, run_manage


def test_check_deploy_passes_with_no_warnings(tmp_path):
    result = run_manage(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
