"""`flask doctor`: checks a production configuration and says, in Chinese, what is wrong and how to fix it.

Each check gives ("ok" | "warn" | "error", what, advice). Errors make the command exit non-zero."""

from __future__ import annotations

import os
import shutil
import smtplib
import stat
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

import config
from webapp.db import make_engine
from webapp.ops import retention
from webapp.ops.health import migration_head

OK, WARN, ERROR = "ok", "warn", "error"


def _secret(cfg) -> tuple:
    key = cfg["SECRET_KEY"] or ""
    if key == "change-me" or len(key) < 32:
        return (ERROR, "SECRET_KEY", "仍是默认值或太短（至少 32 个字符）："
                "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    return OK, "SECRET_KEY", "已设置"


def _env(cfg) -> tuple:
    if cfg["ENV"] != "production":
        return WARN, "DUBAN_ENV", f"为 {cfg['ENV']}：生产环境请设为 production"
    return OK, "DUBAN_ENV", "production"


def _database(cfg) -> list[tuple]:
    url = cfg["DATABASE_URL"]
    found = []
    if url.startswith("sqlite"):
        found.append((WARN, "DATABASE_URL", "使用 SQLite：仅适合单机小规模；生产建议 PostgreSQL（postgresql+psycopg://…）"))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            revision = ",".join(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))
        found.append((OK, "DATABASE_URL", "数据库可连接") if revision == migration_head() else
                     (ERROR, "数据库版本", f"{revision or '未迁移'}，最新为 {migration_head()}：运行 flask db-upgrade"))
    except Exception as exc:  # noqa: BLE001 - reported
        found.append((ERROR, "DATABASE_URL",
                      f"无法连接或未迁移（{type(exc).__name__}）：检查地址、账号和 flask db-upgrade"))
    finally:
        engine.dispose()
    if not url.startswith("sqlite") and shutil.which("pg_dump") is None:
        found.append((ERROR, "pg_dump", "找不到 pg_dump：flask backup 需要它（apt-get install postgresql-client）"))
    return found


def _folder(name: str, folder: str) -> list[tuple]:
    path = Path(folder)
    if not path.is_dir():
        return [(ERROR, name, f"{folder} 不存在：mkdir -p {folder} 并交给运行账号 duban")]
    if not os.access(path, os.W_OK):
        return [(ERROR, name, f"{folder} 对当前账号不可写：chown duban:duban {folder}")]
    found = [(OK, name, f"{folder} 可写")]
    if path.stat().st_mode & stat.S_IRWXO:
        found.append((WARN, name, f"{folder} 其他用户可访问：chmod o-rwx {folder}"))
    if config.BASE_DIR in path.resolve().parents:
        found.append((WARN, name, f"{folder} 在程序目录里，升级或回退时会随版本目录切换："
                                  "放到 /opt/duban/data 之类的目录"))
    return found


def _proxy(cfg) -> list[tuple]:
    if not cfg["PROXY_COUNT"]:
        return [(WARN, "PROXY_COUNT", "为 0：在 nginx 之后运行时设为 1，否则日志中的地址和 https 判断都不对")]
    found = [(OK, "PROXY_COUNT", f"信任 {cfg['PROXY_COUNT']} 层代理的 X-Forwarded-* 头")]
    if not cfg.get("SESSION_COOKIE_SECURE"):
        found.append((WARN, "SESSION_COOKIE_SECURE", "登录 Cookie 未限定 https：经 TLS 访问时应开启"))
    return found


def _mail(cfg) -> tuple:
    host = cfg["SMTP_HOST"]
    if not host:
        return WARN, "SMTP_HOST", "未设置：通知只在系统内显示，定时任务停止时也不会发邮件"
    try:
        with smtplib.SMTP(host, int(cfg["SMTP_PORT"]), timeout=5) as smtp:
            smtp.noop()
    except (OSError, smtplib.SMTPException) as exc:
        return ERROR, "SMTP_HOST", f"{host}:{cfg['SMTP_PORT']} 无法连接（{type(exc).__name__}）"
    return OK, "SMTP_HOST", f"{host}:{cfg['SMTP_PORT']} 可连接"


def _backups(cfg) -> list[tuple]:
    found = _folder("BACKUP_FOLDER", cfg["BACKUP_FOLDER"])
    if found[0][0] == ERROR:
        return found
    if Path(cfg["BACKUP_FOLDER"]).resolve().parent == Path(cfg["UPLOAD_FOLDER"]).resolve().parent:
        found.append((WARN, "BACKUP_FOLDER", "与上传目录在同一目录下：请把备份另外复制到其他磁盘或机器"))
    newest = retention.listing(cfg["BACKUP_FOLDER"])
    if not newest:
        found.append((WARN, "备份", "还没有备份：运行 flask backup"))
    else:
        hours = (datetime.now(UTC) - newest[0][1]).total_seconds() / 3600
        if hours > cfg["BACKUP_WARN_HOURS"]:
            found.append((WARN, "备份", f"最近一次备份在 {hours:.0f} 小时前"))
    return found


def _timezone(cfg) -> tuple:
    try:
        shanghai = ZoneInfo(cfg["TIMEZONE"])
    except Exception:  # noqa: BLE001 - reported
        return ERROR, "时区", f"没有 {cfg['TIMEZONE']} 时区数据：apt-get install tzdata"
    local = time.strftime("%z")
    expected = datetime.now(shanghai).strftime("%z")
    if local != expected:
        return (WARN, "时区", f"服务器时区为 {local}（程序按 UTC 存储、按 {cfg['TIMEZONE']} 显示）："
                "建议 timedatectl set-timezone Asia/Shanghai")
    return OK, "时区", f"{cfg['TIMEZONE']}（{local}）"


def _metrics(cfg) -> tuple:
    if not cfg["METRICS_TOKEN"]:
        return WARN, "METRICS_TOKEN", "未设置：/metrics 只接受本机直接访问（127.0.0.1:8000），经 nginx 访问会被拒绝"
    return OK, "METRICS_TOKEN", "已设置"


def _ntp() -> tuple:
    try:
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return OK, "时钟同步", "无法检查（没有 timedatectl）"
    if out == "yes":
        return OK, "时钟同步", "已同步"
    return WARN, "时钟同步", "系统时钟未与 NTP 同步：期限计算依赖准确时间"


def run(cfg) -> list[tuple]:
    checks = [_env(cfg), _secret(cfg), *_database(cfg), *_folder("UPLOAD_FOLDER", cfg["UPLOAD_FOLDER"]),
              *_proxy(cfg), _mail(cfg), *_backups(cfg), _timezone(cfg), _ntp(), _metrics(cfg)]
    return checks
