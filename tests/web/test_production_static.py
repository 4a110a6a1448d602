import os
import subprocess
import sys


def test_collectstatic_works_with_production_settings(tmp_path):
    """WhiteNoise's manifest storage refuses files that name a missing source map or image: a
    production deployment's first step must not fail on Tandem's own or vendored files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update(
        TANDEM_DEBUG="false",
        TANDEM_SECRET_KEY="p" * 20 + "roduction-secret-key-for-this-test-only-123456",
        TANDEM_ALLOWED_HOSTS="crm.example",
        TANDEM_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tandem", "collectstatic", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    hashed = list((tmp_path / "static" / "vendor" / "bootstrap-5.3.9").glob("bootstrap.min.*.css"))
    assert hashed, "hashed copies are what production serves"
