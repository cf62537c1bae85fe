"""gunicorn settings for `make run` and the systemd unit (docs/operations.md); gunicorn reads
./gunicorn.conf.py by itself. Each value can be overridden from the environment."""

import os

wsgi_app = "gongjiang.wsgi:application"
# The web processes' connections plan no parallel query (gongjiang/settings.py): set here, in the
# master, so every worker has it before it loads the app.
os.environ.setdefault("DATABASE_PARALLEL_QUERY", "0")
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request has a process; two per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Long work (imports, bulletins) runs in the task worker, so a request over a minute is a fault.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this machine may say which client and scheme a request came from.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without the query string: searches and filters never land in it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket: one shared path in the home folder would clash between instances.
control_socket_disable = True
