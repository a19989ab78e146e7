"""gunicorn entry point of the HTTP benchmarks: the platform as ``make run`` serves it, plus one bare Django
JSON view (``/bench/bare/``) behind the same middleware, the yardstick of ``pass_check_http_ratio``."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sibao.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "benchmarks.bench_urls"
