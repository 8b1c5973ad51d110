"""Configuration refuses to run in production with the development secret."""

from __future__ import annotations

import pytest

import config
from webapp import create_app


def test_production_with_the_dev_secret_is_refused():
    class Production(config.Config):
        ENV = "production"
        SECRET_KEY = config.DEV_SECRET

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_production_with_a_real_secret_starts(tmp_path):
    class Production(config.Config):
        ENV = "production"
        SECRET_KEY = "a-long-random-secret"
        DATABASE_URL = f"sqlite:///{tmp_path / 'p.db'}"

    assert create_app(Production).config["SECRET_KEY"] == "a-long-random-secret"
