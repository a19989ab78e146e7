"""Django settings for Sibao.

Every deployment-specific value comes from the environment through the typed helpers in
``sibao.core.env``; missing secrets fail loudly in production. With no environment at all the
platform runs as a local SQLite demo (``make run``).
"""

from pathlib import Path

import dj_database_url

from sibao.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEBUG = env_bool("SIBAO_DEBUG", default=False)
PRODUCTION = env_bool("SIBAO_PRODUCTION", default=False)

if PRODUCTION:
    SECRET_KEY = env_str("SIBAO_SECRET_KEY")  # required: no default in production
else:
    SECRET_KEY = env_str("SIBAO_SECRET_KEY", default="sibao-local-demo-key-not-for-production-use-0123456789")

# EP-1: the key that encrypts ID numbers (and keys their lookup digest). Separate from SECRET_KEY so that
# rotating sessions never makes stored ID numbers unreadable. Required in production.
if PRODUCTION:
    SIBAO_FIELD_KEY = env_str("SIBAO_FIELD_KEY")
else:
    SIBAO_FIELD_KEY = env_str("SIBAO_FIELD_KEY", default="sibao-local-demo-field-key-not-for-production-use")

# LG-1: the key that signs the QR codes of vehicle passes. Separate from SECRET_KEY so that rotating sessions
# never invalidates passes already printed; rotating this key does, on purpose (every pass is re-printed).
SIBAO_PASS_SIGNING_KEY = env_str("SIBAO_PASS_SIGNING_KEY", default=SECRET_KEY)

ALLOWED_HOSTS = env_list("SIBAO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SIBAO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # Third-party apps under Chinese names in the admin (sibao/accounts/third_party.py).
    "sibao.accounts.third_party.LoginSecurityConfig",
    "auditlog",
    "django_tasks",
    "sibao.accounts.third_party.BackgroundTasksConfig",
    "sibao.core",
    "sibao.accounts",
    "sibao.regions",
    "sibao.organisation",
    "sibao.enterprises",
    "sibao.parameters",
    "sibao.notifications",
    "sibao.whitelist",
    "sibao.tickets",
    "sibao.epidemic",
    "sibao.sentinel",
    "sibao.health",
    "sibao.venues",
    "sibao.incidents",
    "sibao.emergency",
    "sibao.readiness",
    "sibao.operations",
    "sibao.dashboard",
    "sibao.policies",
    "sibao.retention",
    "sibao.logistics",
    "sibao.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sibao.accounts.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sibao.core.middleware.ChosenLanguageMiddleware",
    "sibao.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sibao.accounts.middleware.SessionLimitsMiddleware",
    "sibao.accounts.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sibao.parameters.middleware.ParameterCacheMiddleware",
    "sibao.accounts.middleware.AuditContextMiddleware",
    # Last, so that it sees the outcome of authentication backends (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sibao.urls"

# Background work: django.tasks (backport) with rows in the database, run by `manage.py db_worker`;
# `manage.py schedule_jobs` enqueues the periodic ones (`make worker` runs both).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

WSGI_APPLICATION = "sibao.wsgi.application"

SIBAO_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "sibao.accounts.context_processors.navigation",
    "sibao.notifications.context_processors.unread_count",
    "sibao.emergency.context_processors.emergency_banner",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": SIBAO_CONTEXT_PROCESSORS},
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) by default; DATABASE_URL=postgres://… for CI and production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'var' / 'sibao.sqlite3'}"),
        conn_max_age=env_int("SIBAO_DB_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
else:
    # Issue 13: Django's PostgreSQL backend with a health check that polls the idle socket instead of sending
    # ``SELECT 1`` on every request (``sibao/core/db_backend``).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "sibao.core.db_backend"
    # Issue 10: PostgreSQL's JIT compiles every aggregate over ~100,000 rows; on the province data set it spent
    # 2.2 s compiling the 2.3 s whitelist-coverage aggregate (EXPLAIN ANALYZE). Our queries are short OLTP and
    # page reads, which JIT never pays back, so it is off for the application's connections.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# Issue 13: the few statements written once for hot paths (``sibao/core/rawsql.py``: the checkpoint check, the
# API token) are prepared on PostgreSQL, planned once per connection. Set to false behind a connection pooler
# that does not keep prepared statements (PgBouncer in transaction mode before 1.21).
SIBAO_PREPARED_STATEMENTS = env_bool("SIBAO_PREPARED_STATEMENTS", default=True)

# Issue 15 #3: a PostgreSQL streaming replica for the screens, public pages, reports and exports
# (sibao/core/db_routers.py). Without DATABASE_REPLICA_URL nothing of this is installed.
SIBAO_REPLICA_MAX_LAG_SECONDS = env_int("SIBAO_REPLICA_MAX_LAG_SECONDS", default=10)
SIBAO_REPLICA_CHECK_SECONDS = env_int("SIBAO_REPLICA_CHECK_SECONDS", default=5)
SIBAO_REPLICA_PIN_SECONDS = env_int("SIBAO_REPLICA_PIN_SECONDS", default=15)
# The pages whose reads may come from the replica (views may also use core.db_routers.reads_from_replica).
SIBAO_REPLICA_URL_NAMES = frozenset(
    env_list(
        "SIBAO_REPLICA_URL_NAMES",
        default=[
            "public:whitelist",
            "public:whitelist_xlsx",
            "public:criteria",
            "tickets:metrics",
            "tickets:weekly_reports",
            "tickets:weekly_report",
            "tickets:weekly_report_xlsx",
            "enterprises:export",
            "whitelist:coverage",
        ],
    )
)
if env_str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("SIBAO_DB_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "sibao.core.db_backend"  # as the default's (issue 13)
    # Tests build no database on a read-only standby: the replica alias mirrors the test database (the router
    # tests point it back at the standby, which replicates the test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["sibao.core.db_routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "sibao.core.db_routers.ReplicaReadsMiddleware",
    )
    SIBAO_CONTEXT_PROCESSORS.append("sibao.core.db_routers.replica_context")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and login security (X-3, MLPS 2.0 level 3) ------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_MIN_LENGTH = env_int("SIBAO_PASSWORD_MIN_LENGTH", default=10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "sibao.accounts.passwords.CharacterClassValidator"},
]

# Lockout (issue 8 #6, sibao/accounts/lockout.py): N failures lock an account for M minutes from the
# address they came from only (user names of enterprises are public: a lockout per account alone would
# let anyone lock any enterprise out); past SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT failures across accounts an
# address is refused whatever account it tries (password spraying). Offices share one address behind
# NAT, so that limit is well above one person's typing errors.
AXES_FAILURE_LIMIT = env_int("SIBAO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_int("SIBAO_LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "sibao.accounts.lockout.AccountAndAddressHandler"
SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sibao.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "sibao.accounts.addresses.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Reverse proxies in front of the platform that append to X-Forwarded-For (0: the header is ignored).
SIBAO_TRUSTED_PROXY_COUNT = env_int("SIBAO_TRUSTED_PROXY_COUNT", default=0)

# Sessions (issue 8 #5, SessionLimitsMiddleware): logged out after 30 min without activity and 12 h after
# logging in, however active. The cookie ends with the browser.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SIBAO_SESSION_IDLE_MINUTES", default=30) * 60
# The idle clock is kept to the minute: writing it on every request cost every page a session UPDATE (three
# queries); an idle session may end up to this long before its idle timeout is over, never after.
SESSION_LAST_SEEN_RESOLUTION_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env_int("SIBAO_SESSION_ABSOLUTE_HOURS", default=12) * 3600
# API tokens a process found usable are trusted this long without reading them again (accounts/api_auth.py):
# a revocation made in another process takes effect within it; 0 reads the token on every request.
SIBAO_API_TOKEN_CACHE_SECONDS = env_int("SIBAO_API_TOKEN_CACHE_SECONDS", default=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Production hardening (manage.py check --deploy must be clean) --------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SIBAO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SIBAO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Issue 8 #9 (sibao/accounts/security_headers.py): everything from the platform itself, nothing inline.
# Bootstrap's CSS draws a few icons as data: images. A page needing more says so here, not in a template.
SIBAO_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# No page uses these browser features; a compromised page must not either.
SIBAO_PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# --- Language and time (X-1) ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # stored in UTC, shown in Beijing time
USE_TZ = True

# --- Static files (X-2: everything vendored, served by whitenoise) --------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("SIBAO_MEDIA_ROOT", default=str(PROJECT_DIR / "var" / "media")))
# Never served from this URL (issue 8 #9): uploads are downloaded through views that check login and scope.
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = not PRODUCTION
# DB-1: the command screen's boundaries (city and county outlines keyed by GB/T 2260 code). The default is built
# from public data by scripts/build_henan_map.py; a deployment that must show an officially reviewed map (审图号)
# names its own file of the same shape here (sibao/dashboard/static/dashboard/README.md).
SIBAO_SCREEN_MAP_FILE = Path(
    env_str("SIBAO_SCREEN_MAP_FILE", default=str(BASE_DIR / "dashboard" / "static" / "dashboard" / "henan-map.json"))
)

# Uploads: imports are read in memory up to this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Issue 8 #1: what one import file may hold (core.tabular.ReadLimits). Registry imports (enterprises,
# employees, pharmacy sales) are page uploads of at most IMPORT_MAX_BYTES; an .xlsx may unpack to ten
# times that (real workbooks compress 5-10×, a zip bomb hundreds of times), and its sheet may span at most
# IMPORT_MAX_CELLS cells (50,000 enterprises × their 26 columns fit).
IMPORT_MAX_BYTES = env_int("SIBAO_IMPORT_MAX_MB", default=20) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = env_int("SIBAO_IMPORT_MAX_UNPACKED_MB", default=IMPORT_MAX_BYTES // 2**20 * 10) * 2**20
IMPORT_MAX_CELLS = env_int("SIBAO_IMPORT_MAX_CELLS", default=2_000_000)
# Bulk files of person-level records (EP-2 test results, EP-7 venue scans): ~60 bytes a CSV row, so 200 MB
# is ~3 million rows; files are streamed, never read whole (issue 8 #9).
BULK_IMPORT_MAX_BYTES = env_int("SIBAO_BULK_IMPORT_MAX_MB", default=200) * 2**20
BULK_IMPORT_MAX_ROWS = env_int("SIBAO_BULK_IMPORT_MAX_ROWS", default=3_000_000)
BULK_IMPORT_MAX_UNPACKED_BYTES = env_int("SIBAO_BULK_IMPORT_MAX_UNPACKED_MB", default=1024) * 2**20
# A results file has the seed's five columns (姓名, 身份证号码, 采样时间, 检测结果, 检测机构): the cell limit lets
# the row limit's files through (at 6,000,000 cells it refused a 2,000,000-row file while allowing 3,000,000 rows).
BULK_IMPORT_MAX_CELLS = env_int("SIBAO_BULK_IMPORT_MAX_CELLS", default=BULK_IMPORT_MAX_ROWS * 5)
# Issue 9 #6: uploads kept between a preview and its confirmation (core.uploads) expire after this.
UPLOAD_TTL_HOURS = env_int("SIBAO_UPLOAD_TTL_HOURS", default=6)

# --- Audit (X-3, issue 8 #7; sibao/core/audit.py) ---------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The database refuses UPDATE/DELETE on the audit log (triggers). Only the test settings turn this off.
SIBAO_AUDIT_GUARD = True
# A user's 404s on ids are written to the audit log every N within a window of M minutes.
SIBAO_AUDIT_REFUSED_READS_THRESHOLD = env_int("SIBAO_AUDIT_REFUSED_READS_THRESHOLD", default=10)
SIBAO_AUDIT_REFUSED_READS_WINDOW_MINUTES = env_int("SIBAO_AUDIT_REFUSED_READS_WINDOW_MINUTES", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SIBAO_LOG_LEVEL", default="WARNING")},
}
