"""Settings shared by every environment; values that differ come from the environment."""

from datetime import timedelta
from pathlib import Path

from config.env import (
    cache_settings,
    database_settings,
    email_settings,
    envbool,
    envint,
    envlist,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Overridden (and required) in production; dev/test set their own.
SECRET_KEY = envstr("SECRET_KEY")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "governance",
    "staffing",
    "performance",
    "budget",
    "assets",
    "cms",
    "reporting",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Inside sessions, language and authentication: a cached public page passes back out
    # through them, so it gets their headers like a freshly rendered one.
    "cms.views.PageCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite file by default; PostgreSQL (or anything dj-database-url knows) from DATABASE_URL.
# On PostgreSQL every connection runs with jit=off (README: its compiling only ever cost
# here); SHUXIANG_PG_JIT=on leaves the server's own setting.
_database_url = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
SHUXIANG_PG_JIT = envbool("SHUXIANG_PG_JIT", False)
DATABASES = {
    "default": database_settings(
        _database_url,
        conn_max_age=envint("CONN_MAX_AGE", 0),
        conn_health_checks=envbool("CONN_HEALTH_CHECKS", False),
        pg_jit=SHUXIANG_PG_JIT,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default (one copy per process); Redis in production from
# CACHE_URL=redis://host:6379/0 (README, Configuration).
CACHES = cache_settings(envstr("CACHE_URL", "locmem://"))
# Public pages (cms.views.PageCacheMiddleware): a page served to a visitor without a session
# is kept this many seconds, and publishing, unpublishing, moving or deleting any page, or
# changing a page's privacy, empties them all at once. 0 turns the page cache off.
SHUXIANG_PAGE_CACHE_SECONDS = envint("SHUXIANG_PAGE_CACHE_SECONDS", 300)

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian anonymous user: the public never holds object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One sign-in page, the back office's: Django's default /accounts/login/ only redirects
# there (config/urls.py) and every login view lands on the admin home, never on Django's
# default /accounts/profile/ (which does not exist here).
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"
WAGTAIL_FRONTEND_LOGIN_URL = "wagtailadmin_login"  # private pages sign in there too

# Sign-in throttling (django-axes): after SHUXIANG_LOGIN_FAILURE_LIMIT failed sign-ins for
# one user name from one address, that pair is locked for SHUXIANG_LOGIN_COOLOFF_MINUTES
# (0: until an administrator unlocks it in 设置 → 登录锁定). Per pair, so that nobody can
# lock a colleague out from another address; each locked pair is listed on that screen.
AXES_FAILURE_LIMIT = envint("SHUXIANG_LOGIN_FAILURE_LIMIT", 10)
_cooloff_minutes = envint("SHUXIANG_LOGIN_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes) if _cooloff_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "governance.access.lockouts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "governance.access.lockouts.client_ip"
# Successful sign-ins are not logged (no screen reads that table; it would only grow).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth address
# from the right. 0 (the default) uses the connecting address: set 1 behind nginx, or every
# user shares the proxy's address and a lockout applies to the user name from everywhere.
SHUXIANG_PROXY_COUNT = envint("SHUXIANG_PROXY_COUNT", 0)

# Language: Simplified Chinese first (Wagtail creates its first Locale from it).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/: our strings (make messages); locale_wagtail/: Wagtail's strings its catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "assets"] if (BASE_DIR / "assets").is_dir() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# Private files (progress-report evidence, staff certificates, staged uploads) live
# outside MEDIA_ROOT and build no URL: only views that check the access policy serve
# them. In production this may be an S3 bucket with a private ACL (see README).
PRIVATE_ROOT = Path(envstr("SHUXIANG_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
# Archives of `manage.py backup` (the database, MEDIA_ROOT and the private files; README,
# Backup and restore), readable by their owner only.
SHUXIANG_BACKUP_DIR = Path(envstr("SHUXIANG_BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "reporting.storages.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads: refuse oversized request bodies early (documents have their own limit below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded .xlsx (reporting.spreadsheets.read_xlsx) are refused, before they are parsed,
# past these sizes: what the file unpacks to, rows (header included) and columns of a sheet,
# and cells in all. A 200,000-row ledger of 10 columns is 2 million cells, 112 MB unpacked.
SHUXIANG_XLSX_MAX_UNPACKED_BYTES = envint("SHUXIANG_XLSX_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
SHUXIANG_XLSX_MAX_ROWS = envint("SHUXIANG_XLSX_MAX_ROWS", 200_000)
SHUXIANG_XLSX_MAX_COLUMNS = envint("SHUXIANG_XLSX_MAX_COLUMNS", 200)
SHUXIANG_XLSX_MAX_CELLS = envint("SHUXIANG_XLSX_MAX_CELLS", 5_000_000)
# The plan: an item whose progress is more than this many points below its expected
# progress (序时进度, linear over its years) is flagged as behind schedule.
SHUXIANG_PLAN_BEHIND_TOLERANCE = envint("SHUXIANG_PLAN_BEHIND_TOLERANCE", 10)
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "jpg", "jpeg", "png"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Email: console in development; EMAIL_URL in production (see config/env.py).
vars().update(email_settings(envstr("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "shuxiang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django-tasks with the database backend; worker: manage.py db_worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A document (roster, tracking table) of more rows than this is prepared by the worker and
# offered for download when ready, instead of keeping its request waiting.
SHUXIANG_BACKGROUND_ROWS = envint("SHUXIANG_BACKGROUND_ROWS", 2000)

# Wagtail
WAGTAIL_SITE_NAME = envstr("SHUXIANG_SITE_NAME", "书香")
# The library that runs this installation, shown beside our name on the sign-in page and
# the admin home ("书香 · 抚州市图书馆"); empty shows our name alone.
SHUXIANG_LIBRARY_NAME = envstr("SHUXIANG_LIBRARY_NAME", "抚州市图书馆")
# Library staff see neither Wagtail's release-note banner nor its editor guide (both are
# about Wagtail's page editor, in English); the help-menu items go in governance's hooks.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail's sign-in form leaves its password label untranslated ("Password").
WAGTAILADMIN_USER_LOGIN_FORM = "governance.forms.LoginForm"
WAGTAILADMIN_BASE_URL = envstr("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send a hash of every user's e-mail to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = envbool("WAGTAIL_PASSWORD_RESET_ENABLED", True)

# Continuing education (人社部令第25号 Art.8): hours a professional-technical employee
# needs each year, and the share of them in professional subjects.
SHUXIANG_CE_MIN_HOURS = envint("SHUXIANG_CE_MIN_HOURS", 90)
SHUXIANG_CE_MIN_PROFESSIONAL_SHARE = envstr("SHUXIANG_CE_MIN_PROFESSIONAL_SHARE", "2/3")
# Continuing-education rules (issue #8, history): the defaults for a year that has no
# ContinuingEducationRule of its own (HR keeps one per year in the admin, so a change
# never rewrites past years). The professional-hours rule: "share" (professional hours ≥
# the share above of the total) or "minimum" (≥ the fixed hours below, within the total).
# People who joined or left during the year: "prorate" (the hours scaled by the months
# employed, the joining/leaving month counted), "exempt" (no requirement that year) or
# "none" (the full requirement).
SHUXIANG_CE_PROFESSIONAL_RULE = envstr("SHUXIANG_CE_PROFESSIONAL_RULE", "share")
SHUXIANG_CE_MIN_PROFESSIONAL_HOURS = envint("SHUXIANG_CE_MIN_PROFESSIONAL_HOURS", 60)
SHUXIANG_CE_JOINERS_RULE = envstr("SHUXIANG_CE_JOINERS_RULE", "prorate")

# Appraisals (考核规定, 人社部发〔2023〕6号; domain-rules.md §2). The 优秀 quota in percent
# of those who should take part, by the cycle's quota basis (Art.15: normally 20, about 25
# with approval, 15 for a unit rated 不合格 or held accountable), rounded down.
SHUXIANG_APPRAISAL_QUOTA_PERCENT = {
    "normal": envint("SHUXIANG_APPRAISAL_QUOTA_NORMAL", 20),
    "raised": envint("SHUXIANG_APPRAISAL_QUOTA_RAISED", 25),
    "reduced": envint("SHUXIANG_APPRAISAL_QUOTA_REDUCED", 15),
}
# Working days the proposed 优秀 are publicised (Art.17: at least 5).
SHUXIANG_APPRAISAL_PUBLICITY_DAYS = envint("SHUXIANG_APPRAISAL_PUBLICITY_DAYS", 5)
# Service (probation included) below which a person gets a comment and no grade, and sick
# or personal leave above which they take part without a grade, in months (Arts.37, 41).
SHUXIANG_APPRAISAL_MIN_SERVICE_MONTHS = envint("SHUXIANG_APPRAISAL_MIN_SERVICE_MONTHS", 6)
SHUXIANG_APPRAISAL_LONG_LEAVE_MONTHS = envint("SHUXIANG_APPRAISAL_LONG_LEAVE_MONTHS", 6)
# Days to ask for a review (复核) of a 基本合格 or 不合格 result after signing for it, and
# to appeal (申诉) after the review's decision. Unconfirmed: 事业单位工作人员申诉规定
# is read as 30 and 15 days; set what the province applies.
SHUXIANG_APPRAISAL_REVIEW_DAYS = envint("SHUXIANG_APPRAISAL_REVIEW_DAYS", 30)
SHUXIANG_APPRAISAL_APPEAL_DAYS = envint("SHUXIANG_APPRAISAL_APPEAL_DAYS", 15)
# Weights (percent) of the dimensions 德 能 勤 绩 廉 in the total score, by post category
# (Art.8: each category assessed with its own emphasis; the weights are the library's).
SHUXIANG_APPRAISAL_WEIGHTS = {
    "professional": {
        "morality": 20,
        "competence": 25,
        "diligence": 15,
        "achievement": 30,
        "integrity": 10,
    },
    "management": {
        "morality": 25,
        "competence": 20,
        "diligence": 15,
        "achievement": 30,
        "integrity": 10,
    },
    "worker": {
        "morality": 20,
        "competence": 20,
        "diligence": 25,
        "achievement": 25,
        "integrity": 10,
    },
}
# The departments' yearly evaluation (部门年度综合考评): weights (percent) of its parts —
# plan-task completion, on-time progress reports, the staff's appraisal results, and the
# items the leadership scores — the points of each appraisal grade, and the lowest total
# of each rating. The library's own choices: settings, not rules.
# "budget" (the department's year-end budget execution rate, capped at 100, fed by the budget
# app) counts only when the library gives it a weight.
SHUXIANG_DEPARTMENT_WEIGHTS = {
    "plan": 40,
    "reporting": 20,
    "appraisal": 20,
    "budget": 0,
    "other": 20,
}
SHUXIANG_DEPARTMENT_GRADE_POINTS = {
    "excellent": 100,
    "competent": 85,
    "basic": 60,
    "incompetent": 0,
}
SHUXIANG_DEPARTMENT_RATINGS = {"excellent": 90, "good": 80, "pass": 60}

# Budget performance (domain-rules.md §1). The self-evaluation's 100 points: the execution
# rate's and the indicators' (10 + 90 by default), and the indicators' split among the
# first-level classes (产出 50, 效益 30, 满意度 10; Sichuan's forms use 60/30/0). A target
# table is submitted only when its points add up to these.
SHUXIANG_BUDGET_EXECUTION_POINTS = envint("SHUXIANG_BUDGET_EXECUTION_POINTS", 10)
SHUXIANG_BUDGET_INDICATOR_POINTS = envint("SHUXIANG_BUDGET_INDICATOR_POINTS", 90)
SHUXIANG_BUDGET_LEVEL1_POINTS = {
    "output": envint("SHUXIANG_BUDGET_OUTPUT_POINTS", 50),
    "effect": envint("SHUXIANG_BUDGET_EFFECT_POINTS", 30),
    "satisfaction": envint("SHUXIANG_BUDGET_SATISFACTION_POINTS", 10),
}
# A project lags when its execution rate is this many points behind the time schedule
# (序时进度); at the year's end a rate below the warning rate asks for the reason (the
# Sichuan self-evaluation form asks below 90 %).
SHUXIANG_BUDGET_LAG_POINTS = envint("SHUXIANG_BUDGET_LAG_POINTS", 10)
SHUXIANG_BUDGET_WARNING_RATE = envint("SHUXIANG_BUDGET_WARNING_RATE", 90)
# The self-evaluation: the lowest total of each grade (优 ≥ 90, 良 80–90, 中 60–80, 差 below),
# and a qualitative indicator's share of its points in each band (达成 100 %, 部分达成 70 %,
# 未达成 30 %: financial practice gives ranges, 100–80, 80–60 and 60–0; unconfirmed, ask the
# 财政局 which point in each range it scores).
# The month the year's dual monitoring (绩效运行监控) runs to: January–July by default
# (财预〔2019〕136号 as practised centrally; 1–6 or 1–8 in some places).
SHUXIANG_BUDGET_MONITORING_MONTH = envint("SHUXIANG_BUDGET_MONITORING_MONTH", 7)
# The 主管部门 the budget forms name (the library's supervising bureau, e.g. 抚州市文化广电
# 新闻出版旅游局); empty: the organisation's own name.
SHUXIANG_BUDGET_SUPERVISOR = envstr("SHUXIANG_BUDGET_SUPERVISOR", "")
SHUXIANG_BUDGET_GRADES = {"excellent": 90, "good": 80, "fair": 60}
SHUXIANG_BUDGET_BAND_SHARES = {"achieved": 100, "partial": 70, "not": 30}
# Assets (domain-rules.md §4). When depreciation starts and stops: from the month the asset
# is added ("added_month", 当月增加当月计提, as the government asset systems implement
# 政府会计制度) or the month after ("next_month"); and whether the month it leaves is still
# charged (当月减少当月不再计提: not). Unconfirmed against 准则第3号's own text: settings.
# They are applied when a card is saved (its months charged from / until): changing them
# later does not re-plan the cards already on the books.
SHUXIANG_ASSET_DEPRECIATION_FROM = envstr("SHUXIANG_ASSET_DEPRECIATION_FROM", "added_month")
SHUXIANG_ASSET_CHARGE_LEAVING_MONTH = envbool("SHUXIANG_ASSET_CHARGE_LEAVING_MONTH", False)
# Who approves a disposal, by the cards' original value in yuan (国务院令738 Arts.9, 19:
# within delegated authority; the thresholds are set locally and unconfirmed here): up to
# each limit, that level; None, everything above.
SHUXIANG_DISPOSAL_LEVELS = [
    ("library", 100_000),
    ("supervisor", 1_000_000),
    ("finance_bureau", None),
]
# The disposal types that need an asset appraisal (条例 Art.36: 转让, 拍卖, 置换; a sale is
# by auction or agreement, counted here as needing one).
SHUXIANG_DISPOSAL_APPRAISAL_KINDS = ["sale", "conveyance", "transfer", "exchange"]
# A photo or document attached to an asset card.
SHUXIANG_ASSET_FILE_MAX_BYTES = 20 * 1024 * 1024

# The board of trustees (domain-rules.md §7; charters vary, none of this is national):
# a trustee's term in years, the share of the serving trustees present for a quorum, the
# share of those present voting for that adopts a resolution by type (">1/2" more than
# half, 过半数; ">=2/3" two thirds or more, 三分之二以上), and the types the Party
# organisation reviews first (三重一大).
SHUXIANG_BOARD_TERM_YEARS = envint("SHUXIANG_BOARD_TERM_YEARS", 3)
SHUXIANG_BOARD_QUORUM = ">=2/3"
SHUXIANG_BOARD_MAJORITY = {"default": ">1/2", "charter": ">=2/3"}
SHUXIANG_BOARD_PARTY_REVIEW_TYPES = ["plan", "budget", "final_accounts", "major_business"]

# Information disclosure (domain-rules.md §6). The index number (索引号) rule is local
# practice, not national: by default the library's unified social credit code, the
# category's code, the year the information was made and a serial number in that
# category and year ("12361000MB1C00000X/03-2025-0004"). Publication is due within
# 20 working days of the information being made (政府信息公开条例 Art.26), and the public
# institution's annual report by 31 March (month, day) of the following year.
SHUXIANG_ORG_CODE = envstr("SHUXIANG_ORG_CODE", "12361000MB1C00000X")
SHUXIANG_DISCLOSURE_INDEX_FORMAT = envstr(
    "SHUXIANG_DISCLOSURE_INDEX_FORMAT", "{org}/{category}-{year}-{number:04d}"
)
SHUXIANG_DISCLOSURE_WORKING_DAYS = envint("SHUXIANG_DISCLOSURE_WORKING_DAYS", 20)
SHUXIANG_ANNUAL_REPORT_DUE = (3, 31)

# Password of the demo users made by `manage.py load_demo` (never in production).
SHUXIANG_DEMO_PASSWORD = "shuxiang-demo"  # noqa: S105 (published demo password)

# HR's home page lists post qualifications that expire within this many days.
SHUXIANG_CERTIFICATE_EXPIRY_DAYS = envint("SHUXIANG_CERTIFICATE_EXPIRY_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
