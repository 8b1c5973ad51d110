"""Configuration from environment variables, with safe development defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
MIN_KEY_BYTES = 32


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    ENV = os.environ.get("DUBAN_ENV", "development")
    INSTANCE_DIR = os.environ.get("INSTANCE_DIR", str(BASE_DIR / "instance"))
    # No key ships in the code: development generates one per installation in INSTANCE_DIR (see `settle`);
    # production must name it in the environment.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    DATABASE_URL = os.environ.get("DATABASE_URL", "")
    DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'duban.db'}"  # development only
    # A read-only streaming replica for reports (月度通报 and dashboards); empty: reports read DATABASE_URL.
    REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 20) * 1024 * 1024
    MAX_UPLOAD_FILES = _int("MAX_UPLOAD_FILES", 10)  # per submission
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
    # Operations (docs/OPERATIONS.md): readiness threshold, who may read /metrics.
    MIN_FREE_DISK_MB = _int("MIN_FREE_DISK_MB", 500)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    METRICS_ALLOW_FROM = frozenset(os.environ.get("METRICS_ALLOW_FROM", "127.0.0.1,::1").split(","))
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (0: none, the default).
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    # Backups (flask backup; the scheduler takes one daily at BACKUP_HOUR, Asia/Shanghai, and prunes the folder).
    BACKUP_FOLDER = os.environ.get("BACKUP_FOLDER", str(BASE_DIR / "instance" / "backups"))
    BACKUP_HOUR = _int("BACKUP_HOUR", 2)
    BACKUP_KEEP = (_int("BACKUP_KEEP_DAILY", 7), _int("BACKUP_KEEP_WEEKLY", 4), _int("BACKUP_KEEP_MONTHLY", 12))
    BACKUP_WARN_HOURS = _int("BACKUP_WARN_HOURS", 26)
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
    # Passwords and log-in (GB/T 22239 8.1.4.1): policy, expiry, argon2id cost, lockout, per-address slowdown.
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 8)
    PASSWORD_HISTORY = _int("PASSWORD_HISTORY", 5)
    PASSWORD_MAX_AGE_DAYS = _int("PASSWORD_MAX_AGE_DAYS", 90)
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_KIB = _int("ARGON2_MEMORY_KIB", 19456)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 1)
    LOCKOUT_THRESHOLD = _int("LOCKOUT_THRESHOLD", 5)
    LOCKOUT_WINDOW_MINUTES = _int("LOCKOUT_WINDOW_MINUTES", 15)
    LOCKOUT_MINUTES = _int("LOCKOUT_MINUTES", 30)
    ADDRESS_FAILURE_LIMIT = _int("ADDRESS_FAILURE_LIMIT", 20)
    # Audit chain (8.1.4.3): the HMAC key lives outside the database; hmac-sm3 where national algorithms apply.
    AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
    AUDIT_MAC_ALG = os.environ.get("AUDIT_MAC_ALG", "hmac-sha256")
    AUDIT_SEAL_FILE = os.environ.get("AUDIT_SEAL_FILE", str(BASE_DIR / "instance" / "audit-seals.jsonl"))
    AUDIT_SEAL_MINUTES = _int("AUDIT_SEAL_MINUTES", 10)
    # Personal data at rest (8.1.4.7/8.1.4.8): petitioners' phone and ID numbers. PII_KEY encrypts (and keys the
    # blind indexes); PII_OLD_KEYS (comma-separated) still decrypt during a rotation (`flask pii-rotate`).
    PII_KEY = os.environ.get("PII_KEY", "")
    PII_OLD_KEYS = os.environ.get("PII_OLD_KEYS", "")
    PII_CIPHER = os.environ.get("PII_CIPHER", "aes-256-gcm")  # or sm4-gcm (GB/T 39786)
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 15)
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 12)  # absolute lifetime of a log-in
    PERMANENT_SESSION_LIFETIME = SESSION_MAX_HOURS * 3600  # the cookie dies with it
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    TESTING = False



def instance_key(folder: str, name: str) -> str:
    """This installation's random key `name`, created (mode 0600) on first use. Several workers starting at once
    agree on one key: it is written to a temporary file and linked into place only if none exists yet."""
    path = Path(folder) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(MIN_KEY_BYTES))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            tmp.unlink()
    return path.read_text().strip()


def settle(cfg: dict) -> None:
    """Production refuses to start without real secrets, a database URL, or with debugging on; development
    fills them in (a random key kept in INSTANCE_DIR, SQLite there)."""
    if cfg["ENV"] != "production":
        cfg["SECRET_KEY"] = cfg["SECRET_KEY"] or instance_key(cfg["INSTANCE_DIR"], "secret_key")
        cfg["AUDIT_HMAC_KEY"] = cfg["AUDIT_HMAC_KEY"] or instance_key(cfg["INSTANCE_DIR"], "audit_key")
        cfg["PII_KEY"] = cfg.get("PII_KEY") or instance_key(cfg["INSTANCE_DIR"], "pii_key")
        cfg["DATABASE_URL"] = cfg["DATABASE_URL"] or cfg["DEFAULT_DATABASE_URL"]
        return
    problems = []
    if len((cfg.get("SECRET_KEY") or "").encode()) < MIN_KEY_BYTES:
        problems.append(f"SECRET_KEY 未设置或短于 {MIN_KEY_BYTES} 字节（生成：python -c 'import secrets; "
                        "print(secrets.token_hex(32))'）")
    if len((cfg.get("AUDIT_HMAC_KEY") or "").encode()) < MIN_KEY_BYTES:
        problems.append(f"AUDIT_HMAC_KEY（审计链密钥）未设置或短于 {MIN_KEY_BYTES} 字节")
    if len((cfg.get("PII_KEY") or "").encode()) < MIN_KEY_BYTES:
        problems.append(f"PII_KEY（个人信息加密密钥）未设置或短于 {MIN_KEY_BYTES} 字节")
    if not cfg.get("DATABASE_URL"):
        problems.append("DATABASE_URL 未设置（生产环境不使用 SQLite 默认库，例如 postgresql+psycopg://user@host/db）")
    if cfg.get("DEBUG"):
        problems.append("生产环境不能开启调试模式（FLASK_DEBUG）")
    if problems:
        raise RuntimeError("生产环境（DUBAN_ENV=production）拒绝启动：" + "；".join(problems))
    cfg["SESSION_COOKIE_SECURE"] = True


class TestConfig(Config):
    TESTING = True
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "test-secret"
    ARGON2_TIME_COST, ARGON2_MEMORY_KIB = 1, 1024  # fast hashes for the suite (same algorithm)
    AUDIT_HMAC_KEY = "test-audit-key-" + "0" * 32
    PII_KEY = "test-pii-key-" + "0" * 32
    AUDIT_SEAL_FILE = ""
