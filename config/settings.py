"""Settings of the store, read from the environment.

With nothing set the project runs as a demo: SQLite, local-memory cache and Celery in
eager mode. Production sets DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS; a missing required value stops start-up with one line naming it.
"""

import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.queues import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def required(name: str, **kwargs):
    """A value production cannot run without: stop with its name instead of a traceback."""
    try:
        return env(name, **kwargs)
    except ImproperlyConfigured:
        sys.exit(f"Missing required setting: set the {name} environment variable.")


# GENERAL
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-local-demo-use")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS", cast=list)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env("STORE_NAME", default="Loja Aurora")
# Where the store is served, for links in emails sent outside any request.
SITE_URL = (
    env("STORE_SITE_URL", default="http://127.0.0.1:8000") if DEBUG else required("STORE_SITE_URL")
).rstrip("/")

# APPS
INSTALLED_APPS = [
    "backoffice.apps.StoreAdminConfig",  # the admin, asking staff for their second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "inbox",
    "storefront.accounts",
    "storefront.catalog",
    "storefront.promotions",
    "storefront.cart",
    "storefront.checkout",
    "storefront.reviews",
    "storefront.pages",
    "inventory",
    "orders",
    "logistics",
    "returns",
    "support.notifications",
    "support",
    "support.surveys",
    "support.recovery",
    "support.bot",
    "support.triage",
    "backoffice",
    "backoffice.kpis",
    "exports",
]

MIDDLEWARE = [
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After security headers and language, before anything reads the request's text.
    "core.storable_text.StorableTextMiddleware",
    # A visitor with no session gets a cached catalog page without the rest of the stack.
    "storefront.catalog.cache.AnonymousPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers for locked-out logins
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.store",
                "storefront.catalog.context_processors.navigation",
                "storefront.catalog.context_processors.prices",
                "backoffice.context_processors.staff_areas",
            ],
        },
    },
]

# DATABASES
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An optional read replica (a PostgreSQL streaming standby) for heavy reads: reads inside
# core.replica.replica_reads() go to it (core.db_router), writes never. One lagging more than
# DATABASE_REPLICA_MAX_LAG_SECONDS, or unreachable, leaves those reads to the primary; its state
# is checked at most every DATABASE_REPLICA_CHECK_SECONDS.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30.0)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5.0)
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable replica must cost a page little before its reads move to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    # Tests read the primary's test database through the replica, which copies it by itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
ATOMIC_REQUESTS = False

# CACHES
# Redis holds two things with opposite needs: the Celery queues (REDIS_URL), which must never
# be evicted, and the page cache (CACHE_URL), which may be evicted or lost at any time. By
# default the cache takes the next database of the broker's server.
REDIS_URL = env("REDIS_URL", default="")


def _next_redis_database(url: str) -> str:
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database + 1) % 16}"))


def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        # A cache outage serves pages uncached instead of failing them, and quickly.
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "CONNECTION_POOL_CLASS": "core.cache_pool.FailFastConnectionPool",
        },
    }


CACHE_URL = env("CACHE_URL", default=_next_redis_database(REDIS_URL) if REDIS_URL.startswith("redis") else "")
if CACHE_URL:
    CACHES = {"default": redis_cache(CACHE_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "store.cache"

# Anonymous catalog pages are kept this long (0 turns the page cache off).
STORE_PAGE_CACHE_SECONDS = env.int("STORE_PAGE_CACHE_SECONDS", default=60 * 60)

# PROMOTIONS
# Orders whose items reach this value ship free with the cheapest service (0 turns it off).
STORE_FREE_SHIPPING_FROM = Decimal(env("STORE_FREE_SHIPPING_FROM", default="299.00"))
# Business days from payment to the parcel leaving the warehouse, counted in delivery promises.
STORE_DISPATCH_BUSINESS_DAYS = env.int("STORE_DISPATCH_BUSINESS_DAYS", default=1)
# The state whose holidays the store keeps, besides the national ones (days it closes on top
# of those, and its opening hours, are set in the admin).
STORE_HOLIDAY_STATE = env("STORE_HOLIDAY_STATE", default="SP")

# PAYMENTS
STORE_PAYMENT_GATEWAY = env("STORE_PAYMENT_GATEWAY", default="orders.adapters.sandbox.SandboxGateway")
STORE_PIX_KEY = env("STORE_PIX_KEY", default="pix@loja-aurora.example")
STORE_PIX_EXPIRY_MINUTES = env.int("STORE_PIX_EXPIRY_MINUTES", default=30)
STORE_BOLETO_DUE_BUSINESS_DAYS = env.int("STORE_BOLETO_DUE_BUSINESS_DAYS", default=3)
# Card instalments without interest: up to this many, none smaller than the minimum.
STORE_MAX_INSTALLMENTS = env.int("STORE_MAX_INSTALLMENTS", default=12)
STORE_MIN_INSTALLMENT = Decimal(env("STORE_MIN_INSTALLMENT", default="10.00"))
# The sandbox provider answers the first this many requests of each refund or payout with an
# outage, and takes this long over the one that gets through (for retry and crash tests).
STORE_SANDBOX_REFUND_FAILURES = env.int("STORE_SANDBOX_REFUND_FAILURES", default=0)
STORE_SANDBOX_REFUND_DELAY_SECONDS = env.float("STORE_SANDBOX_REFUND_DELAY_SECONDS", default=0)
# Secret each provider signs its notices with, by provider name.
STORE_PAYMENT_WEBHOOK_SECRETS = {
    "sandbox": env("STORE_SANDBOX_WEBHOOK_SECRET", default="whsec_sandbox_local_only")
    if DEBUG
    else required("STORE_SANDBOX_WEBHOOK_SECRET")
}

# SUPPORT
# A resolved ticket reopens when the customer writes within this many days; then it closes.
STORE_TICKET_REOPEN_DAYS = env.int("STORE_TICKET_REOPEN_DAYS", default=7)
STORE_SUPPORT_ATTACHMENT_MAX_BYTES = env.int("STORE_SUPPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A chat nobody answered in this many minutes becomes a ticket answered by email.
STORE_CHAT_TICKET_AFTER_MINUTES = env.int("STORE_CHAT_TICKET_AFTER_MINUTES", default=3)

# PERSONAL DATA (LGPD)
# A guest's (no account) personal data on orders, tickets and messages is anonymised this many
# days after the order: five years, the consumer's time to claim for damages (CDC art. 27);
# the order's fiscal amounts stay.
STORE_GUEST_DATA_RETENTION_DAYS = env.int("STORE_GUEST_DATA_RETENTION_DAYS", default=5 * 365)
# The service bot answers these channels (whatsapp, chat) until a person takes over, and
# forgets a conversation (its step and the order proven) after this many idle minutes.
STORE_SUPPORT_BOT_CHANNELS = env.list("STORE_SUPPORT_BOT_CHANNELS", default=["whatsapp", "chat"])
STORE_SUPPORT_BOT_IDLE_MINUTES = env.int("STORE_SUPPORT_BOT_IDLE_MINUTES", default=30)
# Secret each inbound-mail provider signs the messages it posts with, by provider name.
STORE_INBOUND_EMAIL_SECRETS = {
    "sandbox": env("STORE_SANDBOX_INBOUND_EMAIL_SECRET", default="whsec_inbound_mail_local_only")
    if DEBUG
    else required("STORE_SANDBOX_INBOUND_EMAIL_SECRET")
}
# WhatsApp (Cloud-API style): the adapter, the app secret each provider signs its webhook
# calls with (X-Hub-Signature-256), and the token its subscription handshake must present.
STORE_WHATSAPP_GATEWAY = env(
    "STORE_WHATSAPP_GATEWAY", default="support.notifications.adapters.whatsapp.SandboxWhatsApp"
)
STORE_WHATSAPP_APP_SECRETS = {
    "sandbox": env("STORE_SANDBOX_WHATSAPP_SECRET", default="whatsapp_app_secret_local_only")
    if DEBUG
    else required("STORE_SANDBOX_WHATSAPP_SECRET")
}
STORE_WHATSAPP_VERIFY_TOKEN = (
    env("STORE_WHATSAPP_VERIFY_TOKEN", default="whatsapp_verify_local_only")
    if DEBUG
    else required("STORE_WHATSAPP_VERIFY_TOKEN")
)
# The support mailbox `support_fetch_mail` reads: imaps://user:password@host[:port]/FOLDER,
# or a local mbox file or Maildir folder given on the command line.
STORE_SUPPORT_MAILBOX_URL = env("STORE_SUPPORT_MAILBOX_URL", default="")
# Complaint sites and social networks `support_import_complaints --feeds` reads: dotted paths
# of support.channels.social.ComplaintFeed adapters, comma-separated.
STORE_COMPLAINT_FEEDS = env.list(
    "STORE_COMPLAINT_FEEDS", default=["support.channels.social.SandboxComplaintFeed"]
)

# ADDRESSES
# Where a CEP's street, district, city and state come from: the sandbox reads the tables
# shipped in storefront/accounts/data; `storefront.accounts.adapters.viacep.ViaCepAddressLookup`
# asks ViaCEP. Answers are cached; a lookup never waits longer than the timeout.
STORE_ADDRESS_LOOKUP = env(
    "STORE_ADDRESS_LOOKUP", default="storefront.accounts.adapters.sandbox.SandboxAddressLookup"
)
STORE_VIACEP_URL = env("STORE_VIACEP_URL", default="https://viacep.com.br/ws/{cep}/json/")
STORE_ADDRESS_LOOKUP_TIMEOUT_SECONDS = env.float("STORE_ADDRESS_LOOKUP_TIMEOUT_SECONDS", default=3)

# LOGISTICS
# Carrier adapters by name; each delivery service says which one books and tracks it.
STORE_CARRIER_GATEWAYS = {"sandbox": "logistics.adapters.sandbox.SandboxCarrier"}
# Secret each carrier signs its tracking notices with, by adapter name.
STORE_CARRIER_WEBHOOK_SECRETS = {
    "sandbox": env("STORE_SANDBOX_CARRIER_SECRET", default="whsec_carrier_local_only")
    if DEBUG
    else required("STORE_SANDBOX_CARRIER_SECRET")
}
# How long the sandbox carrier takes to answer a booking for a recipient named "SANDBOX SLOW".
STORE_SANDBOX_CARRIER_DELAY_SECONDS = env.float("STORE_SANDBOX_CARRIER_DELAY_SECONDS", default=5)
# Shipments on the way without carrier news for this long are listed as late and alerted.
STORE_TRACKING_SILENCE_DAYS = env.int("STORE_TRACKING_SILENCE_DAYS", default=3)

# EXPORTS AND ERP FEED
# Where the ERP receives the store's order events (placed, paid, invoiced, shipped, returned,
# refunded); empty turns the feed off. The secret signs every delivery (HMAC-SHA256).
STORE_ERP_FEED_URL = env("STORE_ERP_FEED_URL", default="")
STORE_ERP_FEED_SECRET = env("STORE_ERP_FEED_SECRET", default="")
STORE_ERP_FEED_TIMEOUT_SECONDS = env.float("STORE_ERP_FEED_TIMEOUT_SECONDS", default=10)
# Exports and the feed leave rows younger than this alone: a transaction still open when they
# read could commit an older timestamp or id behind their cursor.
STORE_EXPORT_SETTLE_SECONDS = env.int("STORE_EXPORT_SETTLE_SECONDS", default=60)

# FISCAL INVOICES
STORE_INVOICE_ISSUER = env("STORE_INVOICE_ISSUER", default="logistics.adapters.invoices.SandboxInvoiceIssuer")
STORE_INVOICE_SERIES = env.int("STORE_INVOICE_SERIES", default=1)
STORE_COMPANY_NAME = env("STORE_COMPANY_NAME", default="Loja Aurora Comércio Eletrônico Ltda")
STORE_COMPANY_CNPJ = env("STORE_COMPANY_CNPJ", default="11222333000181")
STORE_COMPANY_STATE = env("STORE_COMPANY_STATE", default="SP")
# Who sells and how to reach them, shown at the foot of every storefront page (Decreto 7.962/2013).
STORE_COMPANY_ADDRESS = env(
    "STORE_COMPANY_ADDRESS", default="Rua Augusta, 1500, Consolação, São Paulo/SP, CEP 01304-001"
)
STORE_CONTACT_EMAIL = env("STORE_CONTACT_EMAIL", default="atendimento@loja-aurora.example")
STORE_CONTACT_PHONE = env("STORE_CONTACT_PHONE", default="(11) 4002-8922")
STORE_CONTACT_WHATSAPP = env("STORE_CONTACT_WHATSAPP", default="(11) 98765-4321")

# AUTHENTICATION
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account-detail"
LOGOUT_REDIRECT_URL = "catalog:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes refuses logins that are locked out before the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# LOGIN LOCKOUT
# Failed logins are counted per account from one address, and per address across accounts
# (storefront/accounts/lockout.py says why both and not per account alone). A lock lasts
# STORE_LOGIN_LOCKOUT_MINUTES after the last failure; managers unlock from the back office.
AXES_HANDLER = "storefront.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("STORE_LOGIN_FAILURE_LIMIT", default=5)
STORE_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("STORE_LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
STORE_LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("STORE_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.int("STORE_LOGIN_LOCKOUT_MINUTES", default=15) / 60  # in hours
AXES_RESET_ON_SUCCESS = True
# Tries refused during a lock are not counted: one account hammered from a shared address
# then costs that address at most AXES_FAILURE_LIMIT failures, not the whole address's allowance.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "storefront.accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "storefront.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "storefront.accounts.lockout.lockout_response"
# Proxies of our own in front of the store, each adding the address it saw to X-Forwarded-For.
STORE_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Lockout needs only the failures; a log of every login's address would be personal data to expire.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner in every command's output; failures are still logged

# TWO-FACTOR LOGIN
# Staff may (and roles chosen by a manager must) confirm logins with an authenticator app code.
OTP_TOTP_ISSUER = SITE_NAME

# INTERNATIONALISATION
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", _("Brazilian Portuguese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # unambiguous English dates: "3 Dec 2026, 15:27"
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

# STATIC AND MEDIA
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# EMAIL
EMAIL_CONFIG = (
    env.email_url("EMAIL_URL", default="consolemail://")
    if DEBUG
    else required("EMAIL_URL", cast=env.email_url_config)
)
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <loja@example.com.br>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# CELERY
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without a broker a failing task must not break the request that queued it: the
# failure is recorded on the row it works on, as a worker would record it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = Queue.DEFAULT.value
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task taken by a worker that died is delivered again after the visibility timeout (kept
# above the task time limit and the longest retry wait); the sweep that finds it runs every
# 10 seconds in the surviving or restarted workers. Three minutes by default.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=180),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
# A broker that is down must not hold up the request that enqueues: give up within about a
# second; the work stays in the database and the reconcilers enqueue it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.25,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Which queue each task runs on. Routes live here because Celery 5.7 deprecates the
# task-level `queue` option.
CELERY_TASK_ROUTES = {
    "notifications.notification_deliver": {"queue": Queue.EMAIL.value},
    "notifications.notification_reconcile": {"queue": Queue.DEFAULT.value},
    "catalog.product_image_make_thumbnails": {"queue": Queue.DEFAULT.value},
    "catalog.product_relations_refresh": {"queue": Queue.LONG.value},
    "catalog.catalog_version_bumps_owed_pay": {"queue": Queue.DEFAULT.value},
    "orders.product_sales_refresh": {"queue": Queue.LONG.value},
    "kpis.kpi_refresh": {"queue": Queue.LONG.value},
    "returns.return_parcel_authorise": {"queue": Queue.LOGISTICS.value},
    "returns.returns_track": {"queue": Queue.LOGISTICS.value},
    "accounts.privacy_retention": {"queue": Queue.LONG.value},
    "inventory.reservations_expire": {"queue": Queue.DEFAULT.value},
    "inventory.replenishment_notify": {"queue": Queue.DEFAULT.value},
    "inventory.lots_expired_sync": {"queue": Queue.DEFAULT.value},
    "inbox.notices_reconcile": {"queue": Queue.DEFAULT.value},
    "support.tickets_sla_watch": {"queue": Queue.DEFAULT.value},
    "support.tickets_close_resolved": {"queue": Queue.DEFAULT.value},
    "support.delivery_incident_tickets_open": {"queue": Queue.DEFAULT.value},
    "support.chats_unanswered_to_tickets": {"queue": Queue.DEFAULT.value},
    "bot.conversations_expire": {"queue": Queue.DEFAULT.value},
    "orders.payments_expire": {"queue": Queue.PAYMENTS.value},
    "orders.orders_unpaid_cancel": {"queue": Queue.PAYMENTS.value},
    "orders.payment_capture": {"queue": Queue.PAYMENTS.value},
    "orders.payment_void": {"queue": Queue.PAYMENTS.value},
    "orders.payment_reverse": {"queue": Queue.PAYMENTS.value},
    "orders.payment_charge_cancel": {"queue": Queue.PAYMENTS.value},
    "orders.payments_settle_reconcile": {"queue": Queue.PAYMENTS.value},
    "orders.refund_execute": {"queue": Queue.PAYMENTS.value},
    "orders.refunds_reconcile": {"queue": Queue.PAYMENTS.value},
    "orders.orders_stock_recheck": {"queue": Queue.DEFAULT.value},
    "cart.carts_abandoned_record": {"queue": Queue.DEFAULT.value},
    "recovery.recovery_reminders_send_due": {"queue": Queue.DEFAULT.value},
    "orders.order_analyse": {"queue": Queue.DEFAULT.value},
    "orders.orders_analyse_reconcile": {"queue": Queue.DEFAULT.value},
    "logistics.shipment_dispatch": {"queue": Queue.LOGISTICS.value},
    "logistics.carrier_claim_file": {"queue": Queue.LOGISTICS.value},
    "logistics.carrier_claims_reconcile": {"queue": Queue.LOGISTICS.value},
    "logistics.shipments_dispatch_reconcile": {"queue": Queue.LOGISTICS.value},
    "logistics.shipments_track": {"queue": Queue.LOGISTICS.value},
    "logistics.shipments_overdue_alert": {"queue": Queue.LOGISTICS.value},
}
CELERY_BEAT_SCHEDULE = {
    "notifications-reconcile": {
        "task": "notifications.notification_reconcile",
        "schedule": 60.0,
    },
    "catalog-version-bumps-owed-pay": {
        "task": "catalog.catalog_version_bumps_owed_pay",
        "schedule": 60.0,
    },
    "catalog-stock-alerts-reconcile": {
        "task": "catalog.stock_alerts_reconcile",
        "schedule": 300.0,
    },
    "catalog-search-words-rebuild": {
        "task": "catalog.search_words_rebuild",
        "schedule": crontab(hour=3, minute=15),
    },
    "inventory-lots-expired-sync": {
        "task": "inventory.lots_expired_sync",
        "schedule": crontab(hour=0, minute=5),
    },
    "inventory-replenishment-notify": {
        "task": "inventory.replenishment_notify",
        "schedule": crontab(hour=6, minute=30),
    },
    "cart-abandoned-record": {
        "task": "cart.carts_abandoned_record",
        "schedule": 600.0,
    },
    "recovery-reminders-send-due": {
        "task": "recovery.recovery_reminders_send_due",
        "schedule": 300.0,
    },
    "orders-payments-settle-reconcile": {
        "task": "orders.payments_settle_reconcile",
        "schedule": 900.0,
    },
    "orders-stock-recheck": {
        "task": "orders.orders_stock_recheck",
        "schedule": 900.0,
    },
    "orders-refunds-reconcile": {
        "task": "orders.refunds_reconcile",
        "schedule": 300.0,
    },
    "orders-analyse-reconcile": {
        "task": "orders.orders_analyse_reconcile",
        "schedule": 300.0,
    },
    "orders-unpaid-cancel": {
        "task": "orders.orders_unpaid_cancel",
        "schedule": 600.0,
    },
    "orders-payments-expire": {
        "task": "orders.payments_expire",
        "schedule": 60.0,
    },
    "inbox-notices-reconcile": {
        "task": "inbox.notices_reconcile",
        "schedule": 60.0,
    },
    "support-tickets-sla-watch": {
        "task": "support.tickets_sla_watch",
        "schedule": 60.0,
    },
    "support-delivery-incident-tickets-open": {
        "task": "support.delivery_incident_tickets_open",
        "schedule": 60.0,
    },
    "support-chats-unanswered-to-tickets": {
        "task": "support.chats_unanswered_to_tickets",
        "schedule": 30.0,
    },
    "bot-conversations-expire": {
        "task": "bot.conversations_expire",
        "schedule": 600.0,
    },
    "support-tickets-close-resolved": {
        "task": "support.tickets_close_resolved",
        "schedule": 3600.0,
    },
    "support-return-tickets-sync": {
        "task": "support.return_tickets_sync",
        "schedule": 60.0,
    },
    "surveys-send-due": {
        "task": "surveys.surveys_send_due",
        "schedule": 3600.0,
    },
    "surveys-ticket-surveys-reconcile": {
        "task": "surveys.ticket_surveys_reconcile",
        "schedule": 900.0,
    },
    "returns-authorise-reconcile": {
        "task": "returns.returns_authorise_reconcile",
        "schedule": 300.0,
    },
    "returns-track": {
        "task": "returns.returns_track",
        "schedule": 900.0,
    },
    "returns-expire": {
        "task": "returns.returns_expire",
        "schedule": crontab(hour=0, minute=20),
    },
    "returns-orders-complete": {
        "task": "returns.orders_complete",
        "schedule": crontab(hour=0, minute=40),
    },
    "inventory-reservations-expire": {
        "task": "inventory.reservations_expire",
        "schedule": 60.0,
    },
    "logistics-dispatch-reconcile": {
        "task": "logistics.shipments_dispatch_reconcile",
        "schedule": 300.0,
    },
    "logistics-carrier-claims-reconcile": {
        "task": "logistics.carrier_claims_reconcile",
        "schedule": 300.0,
    },
    "logistics-shipments-track": {
        "task": "logistics.shipments_track",
        "schedule": 1800.0,
    },
    "logistics-shipments-overdue-alert": {
        "task": "logistics.shipments_overdue_alert",
        "schedule": crontab(hour="8-18", minute=0),
    },
    # Nightly: units sold and "customers also bought" from the orders, then the
    # category best sellers for the products that have no such list yet.
    "orders-product-sales-refresh": {
        "task": "orders.product_sales_refresh",
        "schedule": crontab(hour=3, minute=30),
    },
    # Nightly: the indicators' daily figures of the last days (late payments and returns
    # change them); today's are counted live.
    "kpis-kpi-refresh": {
        "task": "kpis.kpi_refresh",
        "schedule": crontab(hour=2, minute=10),
    },
    # The ERP feed (off while STORE_ERP_FEED_URL is empty): collect what happened, deliver it,
    # and read the last day again for anything a late transaction hid from the collector.
    "exports-feed-collect": {"task": "exports.feed_collect", "schedule": 60.0},
    "exports-feed-deliver": {"task": "exports.feed_deliver", "schedule": 60.0},
    "exports-feed-reconcile": {"task": "exports.feed_reconcile", "schedule": 30 * 60.0},
    # Nightly: guest data past its retention period is anonymised (LGPD), a batch at a time.
    "accounts-privacy-retention": {
        "task": "accounts.privacy_retention",
        "schedule": crontab(hour=4, minute=20),
    },
}

# SECURITY
# Behind TLS in production; DJANGO_HTTPS=false serves plain http (local full stack).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, fonts and requests come from this site only; no
# inline script, event handler or style and no eval, so markup that slips into a page cannot
# run. No nonces either: anonymous catalog pages are cached whole and shared by everyone.
# Images may be data: URIs (QR codes, Bootstrap's SVG icons in CSS). The Django admin
# needs no exception: its scripts are files and its templates carry no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# FORMS
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own console handler would print every request line a second time.
    "filters": {"once_a_minute": {"()": "core.log_throttle.RepeatThrottle", "seconds": 60}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every cache call fails while the cache is down: say so once a minute, not per call.
        "store.cache": {"handlers": ["console"], "filters": ["once_a_minute"], "propagate": False},
        "core.enqueue": {"handlers": ["console"], "filters": ["once_a_minute"], "propagate": False},
    },
}
