"""Settings come from the environment and refuse bad or insecure values at start."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem.core.env import env_bool, env_int


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", "import tandem.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_embedded_mode_needs_no_variables(tmp_path):
    result = load_settings(TANDEM_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_a_missing_secret_key(tmp_path):
    result = load_settings(
        TANDEM_DATA_DIR=str(tmp_path), TANDEM_DEBUG="false", TANDEM_ALLOWED_HOSTS="crm.example"
    )
    assert result.returncode != 0
    assert "TANDEM_SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    result = load_settings(
        TANDEM_DATA_DIR=str(tmp_path),
        TANDEM_DEBUG="false",
        TANDEM_ALLOWED_HOSTS="crm.example",
        TANDEM_SECRET_KEY="secret",
    )
    assert "too weak" in result.stderr


def test_production_needs_allowed_hosts(tmp_path):
    result = load_settings(
        TANDEM_DATA_DIR=str(tmp_path), TANDEM_DEBUG="false", TANDEM_SECRET_KEY="k" * 30 + "abcdefghij" * 3
    )
    assert "TANDEM_ALLOWED_HOSTS" in result.stderr


def test_a_typo_in_a_boolean_stops_the_start(tmp_path):
    result = load_settings(TANDEM_DATA_DIR=str(tmp_path), TANDEM_DEBUG="ture")
    assert "TANDEM_DEBUG must be one of" in result.stderr


def test_database_url_must_be_sqlite_or_postgres(tmp_path):
    result = load_settings(TANDEM_DATA_DIR=str(tmp_path), DATABASE_URL="mysql://root@localhost/x")
    assert "DATABASE_URL" in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("TANDEM_X", "Yes")
    assert env_bool("TANDEM_X", False) is True
    monkeypatch.setenv("TANDEM_N", "-3")
    with pytest.raises(ImproperlyConfigured):
        env_int("TANDEM_N", 1, minimum=0)
    monkeypatch.setenv("TANDEM_N", "three")
    with pytest.raises(ImproperlyConfigured):
        env_int("TANDEM_N", 1)
