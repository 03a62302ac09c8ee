"""Development: DEBUG on, a fixed insecure key, SQLite unless DATABASE_URL says otherwise."""

from config.env import envbool, envstr

from .base import *  # noqa: F403

DEBUG = envbool("DEBUG", True)
SECRET_KEY = envstr("SECRET_KEY", "django-insecure-shuxiang-development-only")
