"""Settings for every deployment, driven by environment variables.

Without any variable set this is the embedded demo: SQLite and a filesystem broker under var/.
Production and CI set DATABASE_URL (PostgreSQL), CELERY_BROKER_URL and REDIS_URL (Redis).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from complaints.domain.retention import RetentionPeriodError, parse_retention_period
from config.env import (
    broker_config,
    cache_config,
    database_config,
    env_bool,
    env_int,
    env_list,
    proxy_ssl_header,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# The fallback key only suits the demo and tests; `manage.py check --deploy` reports it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-demo-key-change-me-in-production")
# A deployment names its own secret key; the embedded `make run`, the tests and a developer's
# runserver never do. Defaults that would get in the way of the demo on http://127.0.0.1 (HTTPS,
# secure cookies, HSTS, two-factor sign-in required) follow this; each can be set either way.
DEPLOYED = bool(os.environ.get("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_ratelimit",
    # Before accounts: its receivers count a failed sign-in before ours audit it.
    "axes",
    # Two-factor sign-in (accounts.two_factor): authenticator apps (TOTP) and backup codes.
    # Before accounts, whose admin takes their device screens away (resets go through a service).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "complaints",
    "sla",
    "reports",
    "health",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in session lives SESSION_COOKIE_AGE after the last request (accounts.middleware).
    "accounts.middleware.SessionIdleMiddleware",
    "accounts.middleware.AuditRequestMiddleware",
    # request.user.is_verified(): whether this session gave a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Holds a session without its second factor to enrolment or back to sign-in (accounts.two_factor).
    "accounts.two_factor_gate.TwoFactorGateMiddleware",
    # Answers a request refused by a rate limit with RATELIMIT_VIEW (429) instead of a bare 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last: turns a sign-in refused by the lockout into the lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "complaints.context_processors.workspace",
            ],
        },
    },
]

DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"), var_dir=VAR_DIR)}
# A PostgreSQL streaming replica for the heaviest reads (dashboard, reports, exports, snapshots:
# reports.selectors.databases.read_alias); writes and the case pages stay on the primary. Tests
# read it as a mirror of the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_config(os.environ["DATABASE_REPLICA_URL"], var_dir=VAR_DIR),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.db_routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {
    "default": cache_config(os.environ.get("REDIS_URL")),
    # Template fragments that depend only on the code and the language (blank forms of the
    # public pages): kept in each process's memory, so a deploy (a restart) renews them.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
    },
}
# axes' backend first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserWithDepartmentBackend",
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many seconds without a request (accounts.middleware refreshes a
# signed-in session at most every ACCOUNTS_SESSION_REFRESH_SECONDS, so the idle time is counted
# to within that), when the user is deactivated, or when their password changes.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(2 * 3600)))
ACCOUNTS_SESSION_REFRESH_SECONDS = int(os.environ.get("ACCOUNTS_SESSION_REFRESH_SECONDS", "300"))
# API tokens are valid this many days after they were issued (a new exchange gives a new one);
# a password change or a deactivation revokes them at once.
ACCOUNTS_API_TOKEN_MAX_AGE_DAYS = int(os.environ.get("ACCOUNTS_API_TOKEN_MAX_AGE_DAYS", "30"))

# Two-factor sign-in (django-otp; accounts.two_factor). Every member of staff may turn it on in
# their account menu; once on, every sign-in (staff page, admin, API token) asks for a code from the
# authenticator app or a backup code. It is required of superusers and of the roles named in
# COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES (accounts.roles.Role values, comma-separated; "-" for none):
# by default complaint managers and senior management. The embedded demo and a developer's
# runserver (no DJANGO_SECRET_KEY) require it of no one, so the demo logins work with demo1234
# alone; set the variables to try the requirement there.
_TWO_FACTOR_ROLES_DEFAULT = ["complaint_manager", "executive"] if DEPLOYED else []
COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES = [
    role
    for role in env_list("COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES", _TWO_FACTOR_ROLES_DEFAULT)
    if role != "-"
]
COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool(
    "COMPLAINTS_TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", default=DEPLOYED
)
# The name authenticator apps show next to the code (and in the QR code's otpauth:// address).
OTP_TOTP_ISSUER = os.environ.get("COMPLAINTS_TWO_FACTOR_ISSUER", "Complaint handling")
# After a wrong code, django-otp refuses the next try for 1, 2, 4, 8 ... seconds (per device); the
# lockout below counts every wrong code as a failed sign-in as well.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How long the code page waits for the code after a right password.
ACCOUNTS_TWO_FACTOR_CODE_MINUTES = env_int("ACCOUNTS_TWO_FACTOR_CODE_MINUTES", 10)

# Sign-in lockout (django-axes, accounts.lockout): the staff sign-in, the admin sign-in and the
# API's token exchange. Failures are counted in the database (every process sees the same) for
# ACCOUNTS_LOCKOUT_MINUTES; a login name that failed ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT times,
# or an address that failed ACCOUNTS_LOCKOUT_FAILURES_PER_ADDRESS times, is refused until then.
# Administrators lift a lock in the admin (Failed sign-ins and lockouts: delete the row).
ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT = int(
    os.environ.get("ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT", "5")
)
ACCOUNTS_LOCKOUT_FAILURES_PER_ADDRESS = int(
    os.environ.get("ACCOUNTS_LOCKOUT_FAILURES_PER_ADDRESS", "20")
)
ACCOUNTS_LOCKOUT_MINUTES = int(os.environ.get("ACCOUNTS_LOCKOUT_MINUTES", "15"))
AXES_HANDLER = "accounts.lockout.AccountAndAddressLockout"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = ACCOUNTS_LOCKOUT_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
# A lock lasts ACCOUNTS_LOCKOUT_MINUTES from the failure that set it: attempts while locked are
# refused and audited, not counted (else anyone could keep a colleague locked out for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: it would also wipe the address's count, which an
# attacker holding one valid account could use to guess others' passwords without limit.
AXES_RESET_ON_SUCCESS = False
# The client's address by the same trusted-proxy rule as the public pages and the API.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
# Never stored with a failure: a code typed (the password is masked by axes itself).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "otp_token"]
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Sign-ins are in our audit log (accounts.AuditEntry); axes keeps only the failure counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Evidence uploads larger than this are streamed to disk rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "complaints@example.com")
# The SMTP backend's server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
# A mail server that stops answering must not hold a notify worker for ever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# The file backend's folder (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Text messages (SMS) to customers who gave a mobile number and no e-mail address (README: SMS).
# A backend in the shape of Django's e-mail backends: console (the default: the demo prints them),
# file, locmem (tests) or the Alibaba Cloud SMS adapter.
COMPLAINTS_SMS_BACKEND = os.environ.get(
    "COMPLAINTS_SMS_BACKEND", "complaints.sms.backends.ConsoleBackend"
)
COMPLAINTS_SMS_FILE_PATH = os.environ.get("COMPLAINTS_SMS_FILE_PATH", str(VAR_DIR / "sms"))
# The signature (短信签名) registered with the provider: it heads every text as 【...】.
COMPLAINTS_SMS_SIGN_NAME = os.environ.get("COMPLAINTS_SMS_SIGN_NAME", "客户服务中心")
# The provider's approved template for each kind of text, per language (README: SMS).
COMPLAINTS_SMS_TEMPLATES = {
    (kind, language): os.environ.get(
        f"COMPLAINTS_SMS_TEMPLATE_{kind.upper()}" + ("_EN" if language == "en" else ""), ""
    )
    for kind in ("acknowledgement", "tracking_link", "reply", "merged")
    for language in ("zh-hans", "en")
}
# Alibaba Cloud SMS (complaints.sms.aliyun.AliyunBackend): credentials under the names of the
# provider's own SDKs, from the environment only.
COMPLAINTS_SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
COMPLAINTS_SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
COMPLAINTS_SMS_ALIYUN_ENDPOINT = os.environ.get(
    "COMPLAINTS_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"
)
# Seconds a provider may take to answer.
COMPLAINTS_SMS_TIMEOUT = env_int("COMPLAINTS_SMS_TIMEOUT", 10)
# Customers are texted only between these local times (TIME_ZONE), unless they asked for urgent
# contact; a text outside them waits for the next start. Equal start and end: at any hour.
COMPLAINTS_SMS_WINDOW_START = os.environ.get("COMPLAINTS_SMS_WINDOW_START", "08:00")
COMPLAINTS_SMS_WINDOW_END = os.environ.get("COMPLAINTS_SMS_WINDOW_END", "21:00")
# The secret in the address the provider posts customers' replies to (/sms/inbound/<secret>/);
# empty: replies are not taken.
COMPLAINTS_SMS_INBOUND_SECRET = os.environ.get("COMPLAINTS_SMS_INBOUND_SECRET", "")

# A deployment names its own secret key; the embedded `make run`, the tests and a developer's
# runserver never do. What would stop plain http://127.0.0.1 from working (the redirect to HTTPS,
# secure-only cookies, HSTS) is therefore on by default in a deployment and off otherwise, and each
# can be set either way. A deployment sits behind a TLS-terminating proxy that sets
# X-Forwarded-Proto and drops any such header a client sends (README: Production).
# (DEPLOYED is set next to SECRET_KEY above.)
HTTPS = env_bool("DJANGO_HTTPS", default=DEPLOYED)
SECURE_PROXY_SSL_HEADER = (
    proxy_ssl_header(os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto"))
    if HTTPS
    else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
# Probes (load balancer, orchestrator) ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
# HSTS for the host's own subdomains, and consent to browsers' preload list (which only takes a
# registrable domain, so it matters only when the product is served at the company's apex).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
# These work over plain HTTP too, so they hold everywhere. No page is ever framed; a tracking
# link's token never leaves the site in a Referer; no other site's window keeps a handle on ours.
X_FRAME_OPTIONS = os.environ.get("DJANGO_X_FRAME_OPTIONS", "DENY")
SECURE_REFERRER_POLICY = os.environ.get("DJANGO_SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get(
    "DJANGO_SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin"
)
SECURE_CONTENT_TYPE_NOSNIFF = True

CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = broker_config(
    os.environ.get("CELERY_BROKER_URL"),
    var_dir=VAR_DIR,
    socket_timeout=float(os.environ.get("CELERY_BROKER_SOCKET_TIMEOUT", "2")),
)
# Workers and beat keep reconnecting to a lost broker however long it is away (Celery's default
# gives up after 100 tries, about an hour, and the worker exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One queue per family of work, so a slow mail server or a long export never delays deadline
# work: `sla` (sweeps, escalations, calendars), `notify` (e-mail), `reports` and `hooks` (later
# work), and `celery` for housekeeping. A worker started without -Q consumes every queue (the
# simplest deployment); the Procfile gives `sla` workers of its own (README: Production).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {name: {} for name in ("sla", "notify", "reports", "hooks", "celery")}
CELERY_TASK_ROUTES = {
    "sla.tasks.*": {"queue": "sla"},
    # Beat's heartbeat goes where the deadline work goes: a fresh one proves both are running.
    "health.tasks.*": {"queue": "sla"},
    "complaints.tasks.send_notification_emails_task": {"queue": "notify"},
    "complaints.tasks.send_customer_emails_task": {"queue": "notify"},
    "complaints.tasks.text_customer_task": {"queue": "notify"},
    "complaints.tasks.send_due_customer_texts_task": {"queue": "notify"},
    "complaints.tasks.resend_notification_emails_task": {"queue": "notify"},
    "reports.tasks.*": {"queue": "reports"},
    # Other systems' endpoints may be slow or down: their deliveries never hold up e-mail.
    "complaints.tasks.webhooks_fan_out_task": {"queue": "hooks"},
    "complaints.tasks.send_due_webhooks_task": {"queue": "hooks"},
    # Mail servers may be slow or down too: polling them never holds up e-mail or deadlines.
    "complaints.tasks.poll_mailboxes_task": {"queue": "hooks"},
    # A person's export (a zip of their data and files) is long work like the reports' exports.
    "complaints.tasks.build_rights_export_task": {"queue": "reports"},
}

# /readyz: beat's heartbeat (every minute) older than this is "stale"; how long the broker may
# take to accept a connection before it counts as unreachable.
HEALTH_BEAT_MAX_AGE_SECONDS = env_int("HEALTH_BEAT_MAX_AGE_SECONDS", 180)
HEALTH_BROKER_TIMEOUT_SECONDS = env_int("HEALTH_BROKER_TIMEOUT_SECONDS", 2)
# /readyz: the tasks kept while the broker was down (health.DeferredTask) fail readiness when more
# than this many wait, or the oldest has waited longer than this; fewer and younger are reported.
HEALTH_DEFERRED_TASKS_MAX_WAITING = env_int("HEALTH_DEFERRED_TASKS_MAX_WAITING", 1000)
HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS = env_int("HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS", 600)

# Domain settings; each can be overridden by an environment variable of the same name.
# The departments of seed 004's procedures, by their code (accounts.Department.code), beside
# PURCHASING_DEPARTMENT_CODE below: the finance department whose cash office (财务现金房) keeps
# signed agreements, and quality control (品控部), to which quality complaints are passed with
# purchasing (their heads, else their active members, are told). An unknown code: nobody is told.
FINANCE_DEPARTMENT_CODE = os.environ.get("FINANCE_DEPARTMENT_CODE", "finance")
QUALITY_DEPARTMENT_CODE = os.environ.get("QUALITY_DEPARTMENT_CODE", "quality")
COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS = int(os.environ.get("COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS", "3"))
# Repeat and duplicate complaints (issue 18 §4): at intake, cases of the same customer (phone,
# e-mail) or the same order number that are open, or ended at most this many days ago, are shown
# as possible duplicates; a duplicate can be merged into one of them within the same window.
COMPLAINTS_DUPLICATE_WINDOW_DAYS = int(os.environ.get("COMPLAINTS_DUPLICATE_WINDOW_DAYS", "30"))
COMPLAINTS_EVIDENCE_MAX_BYTES = int(
    os.environ.get("COMPLAINTS_EVIDENCE_MAX_BYTES", str(25 * 1024 * 1024))
)
# Who sends an evidence file's bytes once the view has checked the person may see the case:
# "" Django itself; "x-accel-redirect" nginx, from an `internal` location at
# COMPLAINTS_EVIDENCE_ACCEL_PREFIX whose alias is MEDIA_ROOT; "x-sendfile" Apache or lighttpd.
COMPLAINTS_EVIDENCE_SERVE_WITH = os.environ.get("COMPLAINTS_EVIDENCE_SERVE_WITH", "").lower()
if COMPLAINTS_EVIDENCE_SERVE_WITH not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured(
        "COMPLAINTS_EVIDENCE_SERVE_WITH must be empty, x-accel-redirect or x-sendfile."
    )
COMPLAINTS_EVIDENCE_ACCEL_PREFIX = os.environ.get(
    "COMPLAINTS_EVIDENCE_ACCEL_PREFIX", "/protected-evidence/"
)
# How long an API client's Idempotency-Key is remembered (a retry after that creates anew).
COMPLAINTS_API_IDEMPOTENCY_HOURS = int(os.environ.get("COMPLAINTS_API_IDEMPOTENCY_HOURS", "24"))
# Where staff reach the workspace; e-mails link to case pages under it.
COMPLAINTS_SITE_URL = os.environ.get("COMPLAINTS_SITE_URL", "http://127.0.0.1:8000")
COMPLAINTS_DEFAULT_PHONE_REGION = os.environ.get("COMPLAINTS_DEFAULT_PHONE_REGION", "CN")
# Where customers reach the public complaint pages (tracking and survey links in e-mails);
# empty: the same address as the staff site.
COMPLAINTS_PUBLIC_URL = os.environ.get("COMPLAINTS_PUBLIC_URL", "")
# How long a tracking or survey link sent to a customer stays valid; a new one can be requested.
COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS = int(
    os.environ.get("COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS", "90")
)
# A satisfied answer to the online survey closes the case at once (else staff close it).
COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY = os.environ.get(
    "COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY", ""
).lower() in ("1", "true", "yes")
# The META key a trusted reverse proxy sets to the client's address (HTTP_X_FORWARDED_FOR or
# HTTP_X_REAL_IP). Empty: REMOTE_ADDR, and any such header a client sends is ignored.
COMPLAINTS_TRUSTED_PROXY_HEADER = os.environ.get("COMPLAINTS_TRUSTED_PROXY_HEADER", "")
# Rate limits of the public pages (django-ratelimit syntax, counted in CACHES["default"]).
COMPLAINTS_PUBLIC_RATES = {
    "public-submit": os.environ.get("COMPLAINTS_RATE_SUBMIT", "10/h"),
    "public-submit-contact": os.environ.get("COMPLAINTS_RATE_SUBMIT_CONTACT", "5/h"),
    "public-track": os.environ.get("COMPLAINTS_RATE_TRACK", "60/h"),
    "public-track-lookup": os.environ.get("COMPLAINTS_RATE_TRACK_LOOKUP", "10/h"),
    "public-survey": os.environ.get("COMPLAINTS_RATE_SURVEY", "10/h"),
}
RATELIMIT_VIEW = "complaints.views.public.abuse.rate_limited"
# The customers' complaint form: the largest request it reads (all files together; a larger one
# is answered with a clear page before its body is read) and how many files it takes at once.
COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES = int(
    os.environ.get("COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES", str(60 * 1024 * 1024))
)
# The staff case page's evidence form: the largest request it reads (all files together), refused
# unread above it. The API takes one file a request: COMPLAINTS_EVIDENCE_MAX_BYTES and the form.
COMPLAINTS_UPLOAD_MAX_REQUEST_BYTES = env_int(
    "COMPLAINTS_UPLOAD_MAX_REQUEST_BYTES", 100 * 1024 * 1024
)
COMPLAINTS_PUBLIC_MAX_FILES = int(os.environ.get("COMPLAINTS_PUBLIC_MAX_FILES", "6"))
# The privacy notice customers agree to (个人信息保护法): whom they ask about their data, and how
# long it is kept after the case is closed.
COMPLAINTS_PRIVACY_CONTACT = os.environ.get(
    "COMPLAINTS_PRIVACY_CONTACT", "privacy@example.com · 400-000-0000"
)
COMPLAINTS_PRIVACY_RETENTION_YEARS = int(os.environ.get("COMPLAINTS_PRIVACY_RETENTION_YEARS", "3"))
# Retention (issue 15 §3): how long after a case ended, by how it ended, its personal data is
# kept; then the nightly job anonymises it (complaints.services.retention). `3y`, `18m`, `400d`,
# `2y6m` or `never`. Closed cases follow the privacy notice's years unless set on their own.
COMPLAINTS_RETENTION = {
    "closed": os.environ.get(
        "COMPLAINTS_RETENTION_CLOSED", f"{COMPLAINTS_PRIVACY_RETENTION_YEARS}y"
    ),
    "rejected": os.environ.get("COMPLAINTS_RETENTION_REJECTED", "3y"),
    "withdrawn": os.environ.get("COMPLAINTS_RETENTION_WITHDRAWN", "3y"),
}
for _outcome, _period in COMPLAINTS_RETENTION.items():
    try:
        parse_retention_period(_period)
    except RetentionPeriodError as _error:
        raise ImproperlyConfigured(f"COMPLAINTS_RETENTION_{_outcome.upper()}: {_error}") from None
# Cases anonymised per transaction (one queued batch each); a run queues at most this many batches,
# the rest waits for the next night.
COMPLAINTS_RETENTION_BATCH_SIZE = env_int("COMPLAINTS_RETENTION_BATCH_SIZE", 200)
COMPLAINTS_RETENTION_MAX_BATCHES = env_int("COMPLAINTS_RETENTION_MAX_BATCHES", 50)
# Received e-mails that became no complaint and no reply (ignored, could not be handled): their
# sender, subject and error text are cleared this many days after they were read, by the same
# nightly job, with the staff notifications about them; the message's id and the codes stay.
COMPLAINTS_INBOUND_MAIL_LOG_DAYS = env_int("COMPLAINTS_INBOUND_MAIL_LOG_DAYS", 90)
if COMPLAINTS_INBOUND_MAIL_LOG_DAYS < 1:
    raise ImproperlyConfigured("COMPLAINTS_INBOUND_MAIL_LOG_DAYS must be at least 1.")
# Customers' requests about their data (export, erasure): answered within this many working days
# of the default business calendar; a prepared export is deleted this many days after it was built.
COMPLAINTS_RIGHTS_REQUEST_WORKING_DAYS = env_int("COMPLAINTS_RIGHTS_REQUEST_WORKING_DAYS", 15)
COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS = env_int("COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS", 30)
# The department (by its code) told at once of a regulator's or court's order to take a product off
# sale (seed 004 §四.17: 采购部 deals with the supplier); its head and active members hear of it.
PURCHASING_DEPARTMENT_CODE = os.environ.get("PURCHASING_DEPARTMENT_CODE", "purchasing")
# Roles that see sensitive evidence (medical records, identity documents): its name, description
# and bytes. Everyone else who sees the case sees only that such an item exists. Role names as in
# accounts.roles (agent, handler, dept_head, complaint_manager, executive, auditor), comma-separated.
COMPLAINTS_SENSITIVE_EVIDENCE_ROLES = env_list(
    "COMPLAINTS_SENSITIVE_EVIDENCE_ROLES", ["handler", "dept_head", "complaint_manager"]
)
# The managers' dashboard (reports). Recurring problems: a category, product or region is rising
# when, over the last REPORTS_RISE_WINDOW_DAYS days, it has at least REPORTS_RISE_MIN_CASES cases
# and at least REPORTS_RISE_MIN_PERCENT % more than both the window before and the same window a
# year earlier. A repeat complainant has more than REPORTS_REPEAT_MIN_COMPLAINTS complaints
# received within REPORTS_REPEAT_WINDOW_DAYS days.
REPORTS_RISE_WINDOW_DAYS = int(os.environ.get("REPORTS_RISE_WINDOW_DAYS", "30"))
REPORTS_RISE_MIN_CASES = int(os.environ.get("REPORTS_RISE_MIN_CASES", "5"))
REPORTS_RISE_MIN_PERCENT = int(os.environ.get("REPORTS_RISE_MIN_PERCENT", "50"))
REPORTS_REPEAT_MIN_COMPLAINTS = int(os.environ.get("REPORTS_REPEAT_MIN_COMPLAINTS", "2"))
REPORTS_REPEAT_WINDOW_DAYS = int(os.environ.get("REPORTS_REPEAT_WINDOW_DAYS", "90"))
# Improvement actions (整改措施, issue 18 §1): the due date offered for a new action, in working
# days of the owning department's calendar; the days compared before and after an action was done
# when its effect is checked (complaints of its category or product).
IMPROVEMENT_DUE_WORKING_DAYS = env_int("IMPROVEMENT_DUE_WORKING_DAYS", 20)
IMPROVEMENT_CHECK_DAYS = env_int("IMPROVEMENT_CHECK_DAYS", 30)
# The dashboard's figures are counted at most once per this many seconds per scope and language
# (kept in CACHES["default"]); the page says when they were counted. 0 counts on every request.
REPORTS_DASHBOARD_CACHE_SECONDS = int(os.environ.get("REPORTS_DASHBOARD_CACHE_SECONDS", "60"))
# The daily rollup the report page reads (reports.services.rollup): recounted by beat every
# REPORTS_ROLLUP_MINUTES, over the months from REPORTS_ROLLUP_MONTHS before this one; a report
# reads it while its last build is at most REPORTS_ROLLUP_MAX_AGE_MINUTES old (else it counts the
# cases live, as it does for filtered reports).
REPORTS_ROLLUP_MINUTES = env_int("REPORTS_ROLLUP_MINUTES", 10)
REPORTS_ROLLUP_MONTHS = env_int("REPORTS_ROLLUP_MONTHS", 25)
REPORTS_ROLLUP_MAX_AGE_MINUTES = env_int("REPORTS_ROLLUP_MAX_AGE_MINUTES", 30)
# Outbound webhooks (complaints.services.webhooks): a delivery is tried at most
# WEBHOOKS_MAX_ATTEMPTS times (back-off from 30 s, doubling, at most 6 h apart); an endpoint is
# switched off after WEBHOOKS_DISABLE_AFTER_FAILURES failed attempts in a row. Targets on private,
# loopback or link-local addresses are refused unless WEBHOOKS_ALLOW_PRIVATE_TARGETS (an intranet
# receiver). A receiver has WEBHOOKS_TIMEOUT_SECONDS to answer.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
# Complaints by e-mail (complaints.services.mailboxes; mailboxes are added in the admin): each
# mailbox's password comes from the environment variable it names, else from this dict (a local
# settings file may fill it; never the database). A poll reads at most MAILBOX_POLL_BATCH unread
# messages and holds the mailbox MAILBOX_LEASE_SECONDS at most; a server has
# MAILBOX_TIMEOUT_SECONDS to answer; the administrators are told after
# MAILBOX_ALERT_AFTER_FAILURES failed polls in a row (once, and once when it works again).
MAILBOX_PASSWORDS: dict[str, str] = {}
MAILBOX_POLL_BATCH = env_int("MAILBOX_POLL_BATCH", 50)
MAILBOX_LEASE_SECONDS = env_int("MAILBOX_LEASE_SECONDS", 600)
MAILBOX_TIMEOUT_SECONDS = env_int("MAILBOX_TIMEOUT_SECONDS", 30)
MAILBOX_ALERT_AFTER_FAILURES = env_int("MAILBOX_ALERT_AFTER_FAILURES", 3)
MAILBOX_MAX_ATTACHMENTS = env_int("MAILBOX_MAX_ATTACHMENTS", 10)
# A built XLSX export (customers' names and contacts in it) is deleted this many days after.
REPORTS_EXPORT_KEEP_DAYS = env_int("REPORTS_EXPORT_KEEP_DAYS", 30)
# django-ratelimit lists only django-redis among Redis caches; Django's own RedisCache increments
# atomically too (INCRBY), so W001 is silenced. Without REDIS_URL (the embedded `make run`) the
# counts live in each web process's memory (E003): limits then hold per process, not per site.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + (
    [] if os.environ.get("REDIS_URL") else ["django_ratelimit.E003"]
)
RATELIMIT_IP_META_KEY = "accounts.client_address.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, with tokens that expire (accounts.authentication).
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["complaints.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "complaints.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Complaint handling API",
    "DESCRIPTION": "Create complaints and move them through the workflow from other systems.",
    "VERSION": "1.0.0",
    # 3.1 for its `webhooks` (the outbound webhooks' payloads, complaints.api.webhooks).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name per coded list, even where several fields use it (state, kind, severity...).
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStateEnum": "complaints.models.State",
        "DecisionStateEnum": "complaints.models.Decision.Status",
        "SeverityEnum": "complaints.models.Severity",
        "RemedyEnum": "complaints.models.Remedy",
        "EventKindEnum": "complaints.models.CaseEvent.Kind",
        "EvidenceKindEnum": "complaints.models.EvidenceFile.Kind",
        "DepartmentKindEnum": "accounts.models.Department.Kind",
        "ChecklistOutcomeEnum": "sla.models.CaseChecklistStep.Outcome",
        "OutcomeEnum": "complaints.models.Outcome",
        "ChannelEnum": "complaints.models.Channel",
        "DirectionEnum": "complaints.models.ContactDirection",
        "BodyKindEnum": "complaints.models.BodyKind",
        "BodyChannelEnum": "complaints.models.OutsideBody.Channel",
        "BodyResultEnum": "complaints.models.OutsideBody.Result",
        "DocumentDirectionEnum": "complaints.models.OutsideBodyDocument.Direction",
        "AgreementStatusEnum": "complaints.models.Agreement.Status",
        "PaymentMethodEnum": "complaints.models.PaymentMethod",
        "QualityDepartmentEnum": "complaints.models.QualityDepartment",
        "QualityFindingEnum": "complaints.models.QualityAnswer.Finding",
        "LegalDocumentKindEnum": "complaints.models.LegalDocument.Kind",
        "LegalDocumentReceiptEnum": "complaints.models.LegalDocument.Receipt",
        "IdentityCheckEnum": "complaints.models.LegalDocument.IdentityCheck",
        "LostPropertyKindEnum": "complaints.models.LostProperty.Kind",
        "LostPropertyOutcomeEnum": "complaints.models.LostProperty.Outcome",
        "EscalationLevelEnum": "complaints.models.EscalationLevel",
        # The event types of each webhook body (complaints.services.webhook_payloads).
        "WebhookCaseEventTypeEnum": "complaints.services.webhook_payloads.CASE_TYPES",
        "WebhookTransitionEventTypeEnum": "complaints.services.webhook_payloads.TRANSITION_TYPES",
        "WebhookEscalationEventTypeEnum": "complaints.services.webhook_payloads.ESCALATION_TYPES",
        "WebhookDecisionEventTypeEnum": "complaints.services.webhook_payloads.DECISION_TYPES",
    },
    # The outbound webhooks' bodies and signature headers (OpenAPI 3.1 `webhooks`).
    "WEBHOOKS": "complaints.api.webhooks.WEBHOOKS",
    # The defaults, then the OpenAPI links that chain one answer into the next request, then the
    # response headers the views send (which drf-spectacular cannot see).
    "POSTPROCESSING_HOOKS": [
        "complaints.api.webhooks.webhook_components",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "complaints.api.schema.case_links",
        "complaints.api.schema.response_headers",
        "complaints.api.webhooks.webhook_headers",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes says INFO for every sign-in; its WARNINGs (failures, lockouts) stay.
        "axes": {"level": "WARNING"},
    },
}

# --- Content-Security-Policy (django-csp; issue 15 §1) -------------------------------------
# Scripts and styles come only from this site's static files: no inline script, no inline style,
# no eval (htmx's hx-on and ECharts' default tooltips are not used for that reason). The one
# inline script (base.html: the "js" class set before the first paint) carries a nonce. The
# admin and the API docs (split Swagger view, restyled template) need no exception.
# DJANGO_CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only (to
# try it on a running site); DJANGO_CSP_REPORT_URI names where browsers post violations (a
# collector of the operator's); empty: no reports.
from csp.constants import NONCE, NONE, SELF  # noqa: E402  (kept with the block it serves)

INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
_CSP_DIRECTIVES: dict[str, list[object]] = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],  # the nonce appears only in a response whose page used it
    "style-src": [SELF],
    "img-src": [SELF, "data:"],  # the favicon is a data: URI (base.html)
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [os.environ["DJANGO_CSP_REPORT_URI"]]
if env_bool("DJANGO_CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
