"""No key ships in the code; production refuses weak keys, a missing DATABASE_URL, debugging and `flask run`."""

from __future__ import annotations

import os
import stat

import pytest

import config
from webapp import create_app


def _production(tmp_path, **attrs):
    values = {"ENV": "production", "SECRET_KEY": "s" * 32, "AUDIT_HMAC_KEY": "a" * 32, "PII_KEY": "p" * 32,
              "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
              "INSTANCE_DIR": str(tmp_path / "instance"), **attrs}
    return type("Production", (config.Config,), values)


@pytest.mark.parametrize("key", ["", "x", "s" * 31])
def test_production_refuses_a_short_key(tmp_path, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY 未设置或短于 32 字节"):
        create_app(_production(tmp_path, SECRET_KEY=key))


def test_production_refuses_a_short_audit_key(tmp_path):
    with pytest.raises(RuntimeError, match="AUDIT_HMAC_KEY"):
        create_app(_production(tmp_path, AUDIT_HMAC_KEY="short"))


def test_production_refuses_a_missing_database_url(tmp_path):
    with pytest.raises(RuntimeError, match="DATABASE_URL 未设置"):
        create_app(_production(tmp_path, DATABASE_URL=""))


def test_production_refuses_debugging(tmp_path):
    with pytest.raises(RuntimeError, match="调试模式"):
        create_app(_production(tmp_path, DEBUG=True))


def test_production_refuses_the_development_server(tmp_path):
    import click

    with click.Context(click.Command("run"), info_name="run"), pytest.raises(RuntimeError, match="flask run"):
        create_app(_production(tmp_path))


def test_production_with_real_settings_starts_with_secure_cookies(tmp_path):
    app = create_app(_production(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_generates_one_random_key_per_installation(tmp_path):
    cls = type("Dev", (config.Config,), {"SECRET_KEY": "", "INSTANCE_DIR": str(tmp_path / "a"),
                                         "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"})
    first = create_app(cls).config["SECRET_KEY"]
    assert len(first) >= 64 and create_app(cls).config["SECRET_KEY"] == first
    key_file = tmp_path / "a" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    other = type("Dev2", (cls,), {"INSTANCE_DIR": str(tmp_path / "b")})
    assert create_app(other).config["SECRET_KEY"] != first


def test_no_fixed_key_in_the_code():
    assert os.environ.get("SECRET_KEY", "") == config.Config.SECRET_KEY
    assert not hasattr(config, "DEV_SECRET")


def test_production_refuses_a_missing_personal_data_key(tmp_path):
    with pytest.raises(RuntimeError, match="PII_KEY"):
        create_app(_production(tmp_path, PII_KEY=""))
