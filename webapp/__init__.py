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


def _register_blueprints(app: Flask) -> None:
    from webapp.assets import bp as assets_bp
    from webapp.attachments.views import bp as attachments_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.items.views import bp as items_bp
    from webapp.users.views import bp as users_bp
    from webapp.work.views import bp as work_bp

    for bp in (assets_bp, auth_bp, work_bp, items_bp, attachments_bp, users_bp):
        app.register_blueprint(bp)
    from webapp.api.views import bp as api_bp
    from webapp.petitions.views import bp as petitions_bp

    for bp in (petitions_bp, api_bp):
        app.register_blueprint(bp)
    from webapp.admin.views import bp as admin_bp
    from webapp.deadlines.views import bp as deadlines_bp
    from webapp.notifications.views import bp as notifications_bp

    for bp in (notifications_bp, deadlines_bp, admin_bp):
        app.register_blueprint(bp)
    from webapp.cases.views import bp as cases_bp
    from webapp.referrals.views import bp as referrals_bp

    for bp in (cases_bp, referrals_bp):
        app.register_blueprint(bp)
    from webapp.bulletins.views import bp as bulletins_bp

    app.register_blueprint(bulletins_bp)
