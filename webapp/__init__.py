"""The Flask application: create_app(config) wires extensions, blueprints and the engine."""

from __future__ import annotations

from flask import Flask

import config as config_module
from models import pii
from workflows import audit, engine, passwords


def create_app(config: type | None = None, **overrides) -> Flask:
    cfg = config or config_module.Config
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(cfg)
    app.config.update(overrides)
    config_module.settle(app.config)  # production: refuses weak secrets, a missing DATABASE_URL, debugging
    _refuse_dev_server(app)
    engine.configure(app.config["BPMN_FOLDER"])  # a broken BPMN file refuses start-up (BpmnError)
    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"],
                        app.config["ARGON2_PARALLELISM"])
    audit.configure(app.config["AUDIT_HMAC_KEY"].encode(), app.config["AUDIT_MAC_ALG"])
    pii.configure(app.config["PII_KEY"], [k.strip() for k in app.config["PII_OLD_KEYS"].split(",")],
                  app.config["PII_CIPHER"])

    from webapp import db, errors, extensions, filters, headers, logs, metrics, separation
    from webapp.db import Database

    db.init_app(app, overrides.get("DATABASE")
                or Database(app.config["DATABASE_URL"], app.config.get("REPLICA_DATABASE_URL") or None))
    logs.init_app(app)  # first, so every request has its id and is timed (even one refused by a later hook)
    metrics.init_app(app)
    extensions.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    separation.init_app(app)
    _register_blueprints(app)
    db.retry_views(app)
    if app.config["PROXY_COUNT"]:  # behind nginx (deploy/nginx): the client's address and https from the proxy
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from webapp import cli

    cli.init_app(app)
    if app.config.get("DEPLOY_BPMN_AT_STARTUP", True):
        from webapp.processes.deploy import at_startup

        at_startup(app)
    return app


def _refuse_dev_server(app: Flask) -> None:
    import click

    ctx = click.get_current_context(silent=True)
    if app.config["ENV"] == "production" and ctx is not None and ctx.info_name == "run":
        raise RuntimeError("生产环境（DUBAN_ENV=production）不能用 `flask run` 开发服务器，请用 gunicorn")


# Each blueprint, and the modules that add routes to it (imported so their routes exist).
BLUEPRINTS = [
    ("webapp.assets", ()), ("webapp.auth.views", ()), ("webapp.work.common", ("views", "actions", "bulk", "export")),
    ("webapp.items.views", ()), ("webapp.attachments.views", ()), ("webapp.users.views", ()),
    ("webapp.petitions.views", ()), ("webapp.api.common", ("views", "items", "reads", "docs")),
    ("webapp.notifications.views", ()), ("webapp.deadlines.common", ("views", "board", "orders")),
    ("webapp.admin.common", ("views", "rules", "worker_exits", "system", "webhooks")),
    ("webapp.cases.common", ("views", "reports")), ("webapp.referrals.views", ()), ("webapp.bulletins.views", ()),
    ("webapp.inspections.common", ("views", "review_views", "findings", "reports", "setup", "ledger")),
    ("webapp.security.views", ()), ("webapp.auditlog.views", ()),
    ("webapp.responsibility.common", ("views", "meetings")),
    ("webapp.scores.common", ("views", "appeal_views", "record_views", "award_views", "dashboard")),
    ("webapp.scores.admin_views", ()),
    ("webapp.ops.common", ("views", "commands")),
    ("webapp.processes.common", ("views",)), ("webapp.processes.migrations", ()),
]


def _register_blueprints(app: Flask) -> None:
    import importlib

    for module_name, route_modules in BLUEPRINTS:
        module = importlib.import_module(module_name)
        package = module_name.rsplit(".", 1)[0]
        for route_module in route_modules:
            importlib.import_module(f"{package}.{route_module}")
        app.register_blueprint(module.bp)
