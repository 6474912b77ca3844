"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    # Start from a clean slate: the test settings relax security through the environment.
    relaxed = {
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    environment = {key: value for key, value in os.environ.items() if key not in relaxed}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="k7#Qz!p2Lr9vXw4@Tn8sYb6Hc1Fj3Gd5Mu0Ae&Ro*Ki^Pl(Ns)Vt%Wq",
        ALLOWED_HOSTS="awards.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_unless_debugging():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY (or DEBUG=1 for local development)." in result.stderr


def test_migrations_match_the_models():
    result = run_manage("makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="config.settings_test")
    assert result.returncode == 0, result.stdout + result.stderr
