"""gunicorn settings for production; gunicorn reads this file from its working directory.

`make serve` (scripts/serve.sh) and the systemd unit in docs/deploy/ start gunicorn here.
Static files are served by the application itself (WhiteNoise), so nginx only proxies.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8001")
# Worker model, measured with `make loadtest` (docs/performance.md): the pages are CPU-bound
# Python (templates, tables) with PostgreSQL on the same two cores, so a few processes with
# a few threads each; threads overlap one request's database wait with another's Python.
# gevent was measured against it and bought nothing here (and needs psycopg patched).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Idle keep-alive connections are held by a thread's event loop, not by a thread.
keepalive = 5
# Large Excel exports and uploads take a while; nginx's proxy_read_timeout matches.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows for months.
max_requests = 2000
max_requests_jitter = 200
# Only the local nginx may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to standard error (journald under systemd). The access log names the path only
# (%(U)s), never the query string (a search may hold a person's name) nor the referrer.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
