"""Gunicorn settings for Tryggt uppdrag in production: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment. The access log goes to standard output with
sign-in link tokens replaced by [redacted] (course_app.logs.RedactingLogger).
"""

import os

wsgi_app = "course_app:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads let one worker wait for the database while another request is served.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart workers now and then, so that memory growth can never build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The app behind a load balancer: which addresses may set X-Forwarded-* (see TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "course_app.logs.RedactingLogger"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
