"""The shipped nginx configuration (deploy/nginx/duban.conf), in Debian's nginx started by the test, in front of
the app under gunicorn: pages, static assets with a long cache, uploads, TLS, the upload size limit, and proxy
headers that a client cannot forge. Without nginx the test is skipped; under CI (CI=true) that is a failure."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import config
from tests.factories import NOW, PASSWORD, Org, make_item
from webapp import migrate
from webapp.db import make_engine
from workflows import attachments

CONF = config.BASE_DIR / "deploy" / "nginx" / "duban.conf"


def _need(binary: str) -> str:
    found = shutil.which(binary) or (f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None)
    if found:
        return found
    reason = f"{binary} is not installed (apt-get install nginx)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"the nginx test must run under CI: {reason}")
    pytest.skip(reason)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


def _data(root: Path) -> dict:
    url = f"sqlite:///{root / 'duban.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        org = Org(db)
        item = make_item(db, org)
        row = attachments.save(db, actor=org.coordinator, now=NOW, folder=str(root / "uploads"),
                               family="instructed_item", subject_id=item.id, step=None,
                               upload=attachments.Upload("现场照片.jpg", "image/jpeg", b"\xff\xd8photo" * 300))
        db.commit()
        found = {"url": url, "user": org.coordinator.username, "attachment": row.id}
    engine.dispose()
    return found


def _nginx_conf(root: Path, app_port: int, http_port: int, https_port: int) -> Path:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(root / "tls.key"), "-out", str(root / "tls.crt")], check=True, capture_output=True)
    site = CONF.read_text()
    for old, new in [("/opt/duban/app", str(config.BASE_DIR)), ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("/etc/nginx/ssl/duban.crt", str(root / "tls.crt")),
                     ("/etc/nginx/ssl/duban.key", str(root / "tls.key"))]:
        assert old in site, old
        site = site.replace(old, new)
    (root / "duban.conf").write_text(site)
    main = root / "nginx.conf"
    temp = root / "temp"
    temp.mkdir()
    main.write_text(f"""user root;
worker_processes 1;
pid {root / 'nginx.pid'};
error_log {root / 'error.log'};
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {root / 'access.log'};
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    include {root / 'duban.conf'};
}}
""")
    return main


@pytest.fixture
def site(tmp_path):
    nginx = _need("nginx")
    data = _data(tmp_path)
    app_port, http_port, https_port = _port(), _port(), _port()
    env = {**os.environ, "DATABASE_URL": data["url"], "UPLOAD_FOLDER": str(tmp_path / "uploads"),
           "SECRET_KEY": "k" * 40, "AUDIT_HMAC_KEY": "a" * 40, "PII_KEY": "p" * 40, "PROXY_COUNT": "1",
           "DUBAN_ENV": "production",
           "METRICS_TOKEN": ""}
    app = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{app_port}",
                            "--workers", "1", "webapp:create_app()"], cwd=config.BASE_DIR, env=env,
                           stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"))  # noqa: SIM115
    conf = _nginx_conf(tmp_path, app_port, http_port, https_port)
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
                             stderr=open(tmp_path / "nginx.log", "w"))  # noqa: SIM115
    try:
        _wait(app_port)
        _wait(https_port)
        yield {**data, "https": f"https://127.0.0.1:{https_port}", "http": f"http://127.0.0.1:{http_port}"}
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(30)


class Client:
    def __init__(self):
        tls = ssl.create_default_context()
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE  # the test's own self-signed certificate
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def get(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=180) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_static_assets_and_uploads_through_nginx(site):
    client = Client()
    status, headers, body = client.get(site["https"] + "/login")
    assert status == 200 and "登录" in body.decode() and headers["X-Request-ID"]
    status, headers, body = client.get(site["https"] + "/static/duban.css")
    assert status == 200 and "max-age=2592000" in headers["Cache-Control"] and "X-Request-ID" not in headers
    assert body == (config.BASE_DIR / "webapp" / "static" / "duban.css").read_bytes(), "served by nginx from disk"
    status, headers, _ = client.get(site["https"] + "/vendor/bootstrap/css/bootstrap.min.css")
    assert status == 200 and "max-age=31536000" in headers["Cache-Control"]

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(site["https"] + "/login")[2].decode())
    form = urllib.parse.urlencode({"username": site["user"], "password": PASSWORD, "csrf_token": token.group(1)})
    status, _, _ = client.get(site["https"] + "/login", data=form.encode())
    assert status == 400, "over https (ProxyFix) Flask-WTF wants a same-origin Referer, as a browser sends"
    status, headers, _ = client.get(site["https"] + "/login", data=form.encode(),
                                    headers={"Referer": site["https"] + "/login"})
    assert status == 302, "logged in through the proxy (the CSRF check saw https and the right host)"
    status, headers, body = client.get(site["https"] + f"/attachments/{site['attachment']}")
    assert status == 200 and body == b"\xff\xd8photo" * 300

    status, headers, _ = client.get(site["http"] + "/login")
    assert status == 301 and headers["Location"].startswith("https://")
    status, _, _ = client.get(site["https"] + "/login", data=b"x" * (26 * 1024 * 1024))
    assert status == 413, "nginx refuses a body above client_max_body_size"
    status, _, _ = client.get(site["https"] + "/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert status == 403, "a forged X-Forwarded-For through the proxy does not make a management request"
    status, _, body = client.get(site["https"] + "/healthz")
    assert status == 200 and b"ok" in body
