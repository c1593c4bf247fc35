"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py` (see docs/deployment.md).

Command-line flags override these (e.g. --bind, --workers, --access-logfile). The
access and error logs go through the same filter as Django's loggers, so survey link
tokens (/s/<token>/ and /p/<token>/, also in the query string and the referrer) never reach a log.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from klyngepakke.web.logging import RedactSurveyTokens  # noqa: E402 (needs ROOT on sys.path)


class RedactingLogger(Logger):
    """gunicorn's logger with survey link tokens redacted from the access and error logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSurveyTokens) for f in log.filters):
                log.addFilter(RedactSurveyTokens())


wsgi_app = "klyngepakke.wsgi:application"
chdir = str(ROOT)
logger_class = RedactingLogger
# --bind (default 127.0.0.1:8000: the TLS proxy on the same machine connects there) and
# --workers (or WEB_CONCURRENCY) are given on the command line; see docs/deployment.md.
timeout = 60
graceful_timeout = 30
# Only the proxy may say the request came over https (X-Forwarded-Proto; Django trusts it
# through SECURE_PROXY_SSL_HEADER). Name the proxy's address if it is not on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Apache's combined format plus the time taken; path, query and referrer are redacted.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
