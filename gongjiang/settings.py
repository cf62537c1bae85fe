"""Gongjiang settings: one module, configured by the environment.

Every value that differs between a demo laptop and a production server comes
from an environment variable read through the typed helpers below. The
defaults are safe for the demo only; with DEBUG off the process refuses to
start while any demo secret is still in use.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Demo secrets: fine on a laptop, refused in production (see the check below).
DEMO_SECRET_KEY = "demo-insecure-secret-key-do-not-use-in-production"  # noqa: S105
DEMO_FIELD_ENCRYPTION_KEY = "ZGVtby1maWVsZC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU="
DEMO_FIELD_HASH_KEY = "demo-field-hash-key"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The demo (`make run`): DEBUG off, so errors show the site's own 404 and 500 pages and never
# Django's debug page, while the demo secrets stay allowed. Never set it in production.
DEMO = env_bool("DEMO", False)
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", DEMO_FIELD_ENCRYPTION_KEY)
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY", DEMO_FIELD_HASH_KEY)
# The address printed in certificates' QR codes, where anyone can verify them.
DEMO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", DEMO_PUBLIC_BASE_URL)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# Start-up checks (gongjiang/core/checks.py): with DEBUG off, refuse to start on an empty,
# short, malformed or demo secret, each with what to set; demo mode allows the demo values only.
if not DEBUG:
    from gongjiang.core.checks import production_problems

    _problems = production_problems(
        secret_key=SECRET_KEY,
        field_encryption_keys=",".join(FIELD_ENCRYPTION_KEYS),
        field_hash_key=FIELD_HASH_KEY,
        public_base_url=PUBLIC_BASE_URL,
        demo=DEMO,
        demo_values={
            "SECRET_KEY": DEMO_SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": DEMO_FIELD_ENCRYPTION_KEY,
            "FIELD_HASH_KEY": DEMO_FIELD_HASH_KEY,
            "PUBLIC_BASE_URL": DEMO_PUBLIC_BASE_URL,
        },
    )
    if _problems:
        raise ImproperlyConfigured("DEBUG is off and the process refuses to start:\n  - " + "\n  - ".join(_problems))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "template_partials",
    # Before django_tasks_db: core's db_worker (the same worker, with a heartbeat) wins.
    "gongjiang.core",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "gongjiang.orgs",
    "gongjiang.imports",  # the import framework: importers live in the apps above (importers.py)
    "gongjiang.people",
    "gongjiang.competitions",
    "gongjiang.policy",
    "gongjiang.awards",
    "gongjiang.colleges",
    "gongjiang.studios",
    "gongjiang.labour",  # labour competitions: units, teams, indicator schemes, rounds, red flags
    "gongjiang.catalogue",
    "gongjiang.innovations",
    "gongjiang.stats",
    "gongjiang.portal",
    "gongjiang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongjiang.core.middleware.ChineseFirstLocaleMiddleware",
    "gongjiang.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "gongjiang.orgs.middleware.ScopeMiddleware",
    "gongjiang.core.middleware.ConflictMiddleware",
    "gongjiang.orgs.middleware.AccountGateMiddleware",
]

ROOT_URLCONF = "gongjiang.urls"
WSGI_APPLICATION = "gongjiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongjiang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "gongjiang.portal.context.capabilities",
                "gongjiang.awards.context.expert_reviews",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'gongjiang.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # No JIT compilation: every statement here is a page's short read or a fill's delta, and PostgreSQL
    # compiles any statement its planner costs over jit_above_cost, whatever it then reads. At province
    # scale that was 200 ms of compiling (LLVM emission) in each of the day's fill statements that read
    # a few thousand people's entries, about a third of their time (docs/benchmarks.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # The web server's processes plan no parallel query (gunicorn.conf.py sets DATABASE_PARALLEL_QUERY=0):
    # a Gather starts worker processes on every execution, 5–7 ms at province scale, for a page whose
    # read is a few hundred rows the planner overestimated (a 2-character name's 627 matches estimated
    # at 32,360: 7.7 ms in parallel, 0.3 ms without). The task worker and update_stats keep the server's.
    if not env_bool("DATABASE_PARALLEL_QUERY", True):
        options["options"] += " -c max_parallel_workers_per_gather=0"

# An index's INCLUDE columns (covering reads, e.g. worker_city_surname_newest) serve PostgreSQL's
# index-only scans; SQLite builds the index without them, which is all its plain path needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Django's backend; the per-request user comes with its worker record and judge entry (portal/auth.py).
AUTHENTICATION_BACKENDS = ["gongjiang.portal.auth.Backend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Lock-out (core.lockout), for every log-in form: the (account, address) pair that failed
# LOGIN_MAX_FAILURES times in the window is locked for LOGIN_LOCK_SECONDS; past
# LOGIN_SLOWDOWN_AFTER failures from anywhere an account is slowed down, each attempt waiting
# twice as long as the last (LOGIN_BASE_DELAY_SECONDS, at most LOGIN_MAX_DELAY_SECONDS), never
# shut; an address is slowed down the same way past LOGIN_ADDRESS_SLOWDOWN_AFTER failures.
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_SECONDS = 15 * 60
LOGIN_SLOWDOWN_AFTER = 5
LOGIN_ADDRESS_SLOWDOWN_AFTER = 50
LOGIN_BASE_DELAY_SECONDS = 2
LOGIN_MAX_DELAY_SECONDS = 60
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
# Reverse proxies (comma-separated addresses) whose X-Forwarded-For is believed; from any other
# peer the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# Two factors (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "工匠平台"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: browsers remember to use it for a year (sent on HTTPS responses only, never in the demo).
# Behind nginx terminating TLS, BEHIND_TLS_PROXY=1 trusts its X-Forwarded-Proto (docs/operations.md).
SECURE_HSTS_SECONDS = int(env_str("HSTS_SECONDS", "0" if (DEBUG or DEMO) else "31536000"))
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gongjiang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end packages come from the npm lock file and are served by the app itself.
STATICFILES_DIRS = [
    BASE_DIR / "gongjiang" / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
# Serve straight from the finders too, so runserver and tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "var" / "uploads"  # never served: uploads are private
# Uploaded files (attachments, materials) readable by the service's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
IMPORT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# One file is one transaction: ~3 KB of memory per row and, on SQLite, the write lock for the
# whole write phase (docs/benchmarks.md). Larger files are split by the user.
IMPORT_MAX_ROWS = int(env_str("IMPORT_MAX_ROWS", "200000"))
# An xlsx is a zip: its sheets may hold at most this much once inflated, each cell this many characters.
IMPORT_MAX_UNCOMPRESSED_BYTES = int(env_str("IMPORT_MAX_UNCOMPRESSED_BYTES", str(400 * 1024 * 1024)))
IMPORT_MAX_CELL_CHARS = 1000
# A running import renews its lease; a job whose lease ran out (the worker died) is failed.
IMPORT_LEASE_SECONDS = int(env_str("IMPORT_LEASE_SECONDS", "120"))
# After this many requests a process freezes the objects it holds out of the garbage collector's
# full passes (gongjiang/core/gcfreeze.py); 0 never does.
GC_FREEZE_AFTER_REQUESTS = int(env_str("GC_FREEZE_AFTER_REQUESTS", "100"))
# Attachments (nomination materials, policy files, problem attachments): documents and images.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "odt", "ods", "jpg", "jpeg", "png")
# Uploaded files (and their folders) are readable by the service's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Every record through every handler passes the personal-data mask (core.logmask): ID numbers
# and mobile numbers never reach a log in clear, the web server's access log included.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "gongjiang.core.logmask.MaskPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]},
        # runserver's request log ("GET /people/?q=… 200") is written by django.server
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_pii"],
        },
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # gunicorn's access and error logs, when gunicorn serves with this configuration
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every step of every PDF at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
FORM_RENDERER = "gongjiang.core.renderers.BootstrapRenderer"

# Statistics: a fill older than this makes /stats/health/ answer 503. A deployer may register an
# approved map (GeoJSON file of the 13 prefecture-level divisions, features keyed by GB/T 2260
# code in ``properties.code``) with its map review number (审图号); otherwise the map is schematic.
STATS_MAX_AGE_HOURS = int(env_str("STATS_MAX_AGE_HOURS", "26"))
STATS_MAP_GEOJSON = env_str("STATS_MAP_GEOJSON", "")
STATS_MAP_REVIEW_NO = env_str("STATS_MAP_REVIEW_NO", "")

# Operations (docs/operations.md): the task worker renews its heartbeat this often; /healthz
# answers 503 when the newest heartbeat is older than WORKER_HEARTBEAT_MAX_AGE seconds or the
# disk holding the database and uploads has less than HEALTH_MIN_FREE_MB left.
WORKER_HEARTBEAT_SECONDS = int(env_str("WORKER_HEARTBEAT_SECONDS", "15"))
WORKER_HEARTBEAT_MAX_AGE = int(env_str("WORKER_HEARTBEAT_MAX_AGE", "120"))
HEALTH_MIN_FREE_MB = int(env_str("HEALTH_MIN_FREE_MB", "1024"))
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
