"""The Flask application: create_app(config) wires extensions, blueprints and the engine."""

from __future__ import annotations

from flask import Flask

import config as config_module
from workflows import engine


def create_app(config: type | None = None, **overrides) -> Flask:
    cfg = config or config_module.Config
    cfg.check()
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(cfg)
    app.config.update(overrides)
    engine.configure(app.config["BPMN_FOLDER"])  # a broken BPMN file refuses start-up (BpmnError)

    from webapp import db, errors, extensions, filters
    from webapp.db import Database

    db.init_app(app, overrides.get("DATABASE") or Database(app.config["DATABASE_URL"]))
    extensions.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    db.retry_views(app)

    from webapp import cli

    cli.init_app(app)
    return app


# Each blueprint, and the modules that add routes to it (imported so their routes exist).
BLUEPRINTS = [
    ("webapp.assets", ()), ("webapp.auth.views", ()), ("webapp.work.common", ("views", "actions", "bulk", "export")),
    ("webapp.items.views", ()), ("webapp.attachments.views", ()), ("webapp.users.views", ()),
    ("webapp.petitions.views", ()), ("webapp.api.views", ()), ("webapp.notifications.views", ()),
    ("webapp.deadlines.common", ("views", "board", "orders")),
    ("webapp.admin.common", ("views", "rules", "worker_exits")),
    ("webapp.cases.common", ("views", "reports")), ("webapp.referrals.views", ()), ("webapp.bulletins.views", ()),
    ("webapp.inspections.common", ("views", "review_views", "findings", "reports", "setup", "ledger")),
]


def _register_blueprints(app: Flask) -> None:
    import importlib

    for module_name, route_modules in BLUEPRINTS:
        module = importlib.import_module(module_name)
        package = module_name.rsplit(".", 1)[0]
        for route_module in route_modules:
            importlib.import_module(f"{package}.{route_module}")
        app.register_blueprint(module.bp)
