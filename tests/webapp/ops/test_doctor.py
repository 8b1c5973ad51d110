"""flask doctor names what is wrong with a production configuration and exits non-zero on errors."""

from __future__ import annotations

import os

import config
from webapp import create_app


def doctor(tmp_path, **overrides):
    app = create_app(config.TestConfig, **overrides)
    return app.test_cli_runner().invoke(args=["doctor"])


def test_a_development_configuration_is_refused(tmp_path):
    result = doctor(tmp_path, SECRET_KEY="short", DATABASE_URL=f"sqlite:///{tmp_path / 'none.db'}",
                    UPLOAD_FOLDER=str(tmp_path / "missing"), BACKUP_FOLDER=str(tmp_path / "nob"), PROXY_COUNT=0,
                    SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    assert result.exit_code == 1
    out = result.output
    assert "✘ SECRET_KEY" in out and "✘ DATABASE_URL" in out and "✘ UPLOAD_FOLDER" in out and "✘ BACKUP_FOLDER" in out
    assert "! PROXY_COUNT" in out and "✘ SMTP_HOST" in out and "! DUBAN_ENV" in out
    assert "个错误" in out


def test_a_good_configuration_passes(tmp_path):
    from webapp import migrate

    url = f"sqlite:///{tmp_path / 'duban.db'}"
    migrate.upgrade(url)
    for name in ("up", "data/backups"):
        (tmp_path / name).mkdir(parents=True)
        os.chmod(tmp_path / name, 0o750)
    result = doctor(tmp_path, SECRET_KEY="x" * 40, ENV="production", DATABASE_URL=url,
                    UPLOAD_FOLDER=str(tmp_path / "up"), BACKUP_FOLDER=str(tmp_path / "data/backups"), PROXY_COUNT=1,
                    SESSION_COOKIE_SECURE=True, METRICS_TOKEN="t" * 20)
    assert result.exit_code == 0, result.output
    assert "✔ SECRET_KEY" in result.output and "✔ DATABASE_URL" in result.output and "✔ PROXY_COUNT" in result.output
