"""Configuration from environment variables, with safe development defaults."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-secret-change-me"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    ENV = os.environ.get("DUBAN_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'duban.db'}")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 20) * 1024 * 1024
    ALLOWED_UPLOAD_EXTENSIONS = frozenset(
        os.environ.get(
            "ALLOWED_UPLOAD_EXTENSIONS", "jpg,jpeg,png,gif,pdf,doc,docx,xls,xlsx,txt,mp4,mp3,zip"
        ).split(",")
    )
    BPMN_FOLDER = os.environ.get("BPMN_FOLDER", str(BASE_DIR / "bpmn"))
    TIMEZONE = "Asia/Shanghai"
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = _int("SMTP_PORT", 25)
    SMTP_SENDER = os.environ.get("SMTP_SENDER", "duban@localhost")
    SCHEDULER_INTERVAL_SECONDS = _int("SCHEDULER_INTERVAL_SECONDS", 60)
    # One JSON line per abnormal web-worker exit, written by deploy/gunicorn.conf.py, shown as 运行故障.
    WORKER_EXIT_LOG = os.environ.get("WORKER_EXIT_LOG", str(BASE_DIR / "instance" / "worker-exits.jsonl"))
    # Petitions (信访工作条例 2022): days to tell the petitioner it is accepted, to conclude, the longest
    # extension; rectification and re-check after a failed callback; repeat-detection window; callback sample.
    PETITION_ACCEPT_DAYS = _int("PETITION_ACCEPT_DAYS", 15)
    PETITION_CONCLUDE_DAYS = _int("PETITION_CONCLUDE_DAYS", 60)
    PETITION_MAX_EXTENSION_DAYS = _int("PETITION_MAX_EXTENSION_DAYS", 30)
    PETITION_RECTIFY_DAYS = _int("PETITION_RECTIFY_DAYS", 15)
    PETITION_RECHECK_DAYS = _int("PETITION_RECHECK_DAYS", 5)
    PETITION_WINDOW_DAYS = _int("PETITION_WINDOW_DAYS", 365)
    PETITION_SAMPLE_PERCENT = _int("PETITION_SAMPLE_PERCENT", 20)
    PETITION_IMPORT_CHUNK = _int("PETITION_IMPORT_CHUNK", 100)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = False  # use WTForms' own Chinese messages (FlaskForm.Meta.locales), no Flask-Babel
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    TESTING = False

    @classmethod
    def check(cls) -> None:
        """Refuse to run in production with the development secret or a missing database URL."""
        if cls.ENV == "production" and cls.SECRET_KEY == DEV_SECRET:
            raise RuntimeError("SECRET_KEY must be set in production (DUBAN_ENV=production).")


class TestConfig(Config):
    TESTING = True
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "test-secret"
