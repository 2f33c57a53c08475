"""Tryggt uppdrag: a web course for elected officials, and the tracking around it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from course_app import cli, config, errors, i18n, logs, mail, menu, security, urls
from course_app.account.views import bp as account_bp
from course_app.auth import links, sessions, undelivered
from course_app.auth.views import bp as auth_bp
from course_app.certificates.views import bp as certificates_bp
from course_app.extensions import (
    allow_uploads,
    begin_writes_immediately,
    csrf,
    db,
    end_reading_transaction,
    limiter,
    login_manager,
    migrate,
    ping_after_idle,
)
from course_app.groups.views import bp as groups_bp
from course_app.learn import signals as learn_signals
from course_app.learn.services import load_course
from course_app.learn.views import bp as learn_bp
from course_app.security_unit.views import bp as security_unit_bp


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True)
    urls.init_converters(app)
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config.check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    logs.init_app(app)
    db.init_app(app)
    app.teardown_appcontext(end_reading_transaction)
    with app.app_context():
        ping_after_idle(db.engine, app.config["DB_PING_AFTER_IDLE_SECONDS"])
    app.before_request(allow_uploads)
    app.before_request(begin_writes_immediately)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    sessions.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    menu.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    links.init_app(app)
    undelivered.init_app(app)
    cli.init_app(app)
    learn_signals.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(security_unit_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(certificates_bp)
    urls.init_app(app)
    app.extensions["catalog"] = load_course(app)
    return app
