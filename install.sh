#!/bin/sh
# Install Duban from an offline bundle (make bundle) on a machine without any package index.
#   ./install.sh [--prefix /opt/duban] [--start] [--systemd]
# Checks every file against SHA256SUMS, installs the app as PREFIX/app-<version> and its dependencies into
# PREFIX/venv-<version> (pip --no-index, hashes required), points PREFIX/app and PREFIX/venv at them (the
# previous version stays for a rollback), writes PREFIX/duban.env once (a new SECRET_KEY), migrates the
# database, and with --start starts it: through systemd with --systemd, else gunicorn and the scheduler in the
# background (pid files in PREFIX/run). docs/OPERATIONS.md explains each step.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=/opt/duban
START=no
SYSTEMD=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --start) START=yes; shift ;;
    --systemd) SYSTEMD=yes; START=yes; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
PYTHON=${PYTHON:-python3}
cd "$HERE"
if [ ! -f SHA256SUMS ]; then echo "run install.sh from an unpacked bundle (make bundle)" >&2; exit 2; fi
echo "== checking the bundle's checksums"
grep -v '  SHA256SUMS$' SHA256SUMS | sha256sum -c --quiet -
VERSION=$("$PYTHON" -c 'import json; print(json.load(open("MANIFEST.json"))["version"])')
WANT=$("$PYTHON" -c 'import json; print(".".join(json.load(open("MANIFEST.json"))["python"].split(".")[:2]))')
HAVE=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$WANT" != "$HAVE" ]; then echo "this bundle is for Python $WANT; $PYTHON is $HAVE" >&2; exit 2; fi

echo "== installing Duban $VERSION into $PREFIX"
mkdir -p "$PREFIX" "$PREFIX/data/uploads" "$PREFIX/backups" "$PREFIX/run"
chmod 750 "$PREFIX/data" "$PREFIX/data/uploads" "$PREFIX/backups"
# The same version again replaces its own folders; other versions stay (rollback: docs/OPERATIONS.md).
rm -rf "$PREFIX/app-$VERSION" "$PREFIX/venv-$VERSION"
cp -a app "$PREFIX/app-$VERSION"
"$PYTHON" -m venv "$PREFIX/venv-$VERSION"  # created in place: its scripts name this folder in their first line
# No index, no configuration file, no extra find-links: only this bundle's wheels, each with its hash.
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 \
  "$PREFIX/venv-$VERSION/bin/pip" install --quiet --no-index --find-links "$HERE/wheels" \
  --require-hashes --only-binary=:all: -r requirements.txt
ln -sfn "app-$VERSION" "$PREFIX/app"
ln -sfn "venv-$VERSION" "$PREFIX/venv"

ENV_FILE="$PREFIX/duban.env"
if [ ! -f "$ENV_FILE" ]; then
  SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
  AUDIT_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
  PII=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$SECRET|" -e "s|^AUDIT_HMAC_KEY=.*|AUDIT_HMAC_KEY=$AUDIT_KEY|" \
    -e "s|^PII_KEY=.*|PII_KEY=$PII|" \
    -e "s|/opt/duban|$PREFIX|g" \
    "$PREFIX/app/deploy/duban.env.example" > "$ENV_FILE"
  chmod 600 "$ENV_FILE"
  echo "== wrote $ENV_FILE (edit DATABASE_URL, SMTP_HOST, ... then run install.sh again or restart)"
elif ! grep -q '^PII_KEY=' "$ENV_FILE"; then  # an upgrade from before personal data was encrypted
  echo "PII_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')" >> "$ENV_FILE"
  echo "== added PII_KEY to $ENV_FILE (keep a copy of it off the machine)"
fi

run() { (cd "$PREFIX/app" && set -a && . "$ENV_FILE" && set +a && "$PREFIX/venv/bin/$@"); }
echo "== migrating the database"
run flask --app webapp db-upgrade
run flask --app webapp doctor || echo "(flask doctor found something to fix: see above)"

if [ "$START" = yes ] && [ "$SYSTEMD" = yes ]; then
  install -m 644 "$PREFIX/app/deploy/systemd/duban-web.service" "$PREFIX/app/deploy/systemd/duban-scheduler.service" \
    /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now duban-web duban-scheduler
  systemctl restart duban-web duban-scheduler
elif [ "$START" = yes ]; then
  for name in web scheduler; do
    if [ -f "$PREFIX/run/$name.pid" ]; then kill "$(cat "$PREFIX/run/$name.pid")" 2>/dev/null || true; fi
  done
  WANT_BIND=${BIND:-}
  . "$ENV_FILE"
  BIND=${WANT_BIND:-${BIND:-127.0.0.1:8000}}
  LISTEN=$BIND  # the subshells below source the env file again, which would put its BIND back
  CONF=""
  if [ -f "$PREFIX/app/deploy/gunicorn.conf.py" ]; then CONF="-c $PREFIX/app/deploy/gunicorn.conf.py"; fi
  METRICS_DIR="$PREFIX/run/metrics"  # prometheus-client's multiprocess folder, emptied before every start
  rm -rf "$METRICS_DIR"; mkdir -p "$METRICS_DIR"
  (cd "$PREFIX/app" && set -a && . "$ENV_FILE" && set +a && PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR" && \
    BIND="$LISTEN" nohup "$PREFIX/venv/bin/gunicorn" $CONF --bind "$LISTEN" --pid "$PREFIX/run/web.pid" 'webapp:create_app()' \
    >> "$PREFIX/run/web.log" 2>&1 &)
  (cd "$PREFIX/app" && set -a && . "$ENV_FILE" && set +a && \
    nohup "$PREFIX/venv/bin/flask" --app webapp scheduler >> "$PREFIX/run/scheduler.log" 2>&1 & echo $! > "$PREFIX/run/scheduler.pid")
  echo "== started: http://$BIND (logs in $PREFIX/run)"
fi
echo "== Duban $VERSION installed in $PREFIX"
