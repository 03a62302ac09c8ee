"""``manage.py bench_public``: the public home page, cached, served by gunicorn with the
production settings, against a static file from the same server (whitenoise): requests
per second from a small pure-Python load generator. Part of ``manage.py bench``
(reporting), whose harness it uses."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reporting.management.commands.bench import (
    Result,
    add_common_arguments,
    check_common,
    judge,
    refuse_unless_throwaway,
    save,
    table,
)

WINDOW = 3.0  # seconds of each timed window
CLIENTS = 4  # load-generator processes
HOME = {
    "title": "基准测试图书馆",
    "slug": "bench-home",
    "library_name": "基准测试图书馆",
    "tagline": "书香满城　全民阅读",
    "introduction": "<p>基准测试用的首页：公共图书馆服务体系的中心馆，面向社会公众免费开放。</p>",
    "address": "江西省抚州市临川区",
    "opening_hours": "周二至周日 9:00—21:00（周一闭馆）",
}


def home_page():
    """The library's home page at the site root (created as demo/ creates it)."""
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        home = HomePage(**HOME)
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _client(port: int, path: str, until: float, counts) -> None:
    """Requests on one kept-alive connection (a new one when the server closes it) until
    the clock reaches ``until``; the number of 200 answers goes into ``counts``."""
    done = 0
    connection = None
    while time.monotonic() < until:
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            done += response.status == 200
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = None
    if connection is not None:
        connection.close()
    counts.put(done)


def throughput(port: int, path: str, seconds: float, clients: int = CLIENTS) -> float:
    """Requests per second answered 200 by ``clients`` processes in ``seconds``."""
    context = multiprocessing.get_context("fork")
    counts = context.Queue()
    start = time.monotonic() + 0.2
    until = start + seconds
    processes = [
        context.Process(target=_client, args=(port, path, until, counts)) for _ in range(clients)
    ]
    for process in processes:
        process.start()
    total = sum(counts.get() for _ in processes)
    for process in processes:
        process.join()
    return total / seconds


class Command(BaseCommand):
    help = (
        "Requests per second of the cached public home page against a static file, both "
        "from gunicorn with config.settings.production (a throwaway SECRET_KEY, "
        "ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect) on this database. It WRITES a home page "
        "if there is none, so it refuses to run unless the database is a throwaway one."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", 3)),
            help="gunicorn workers (default $WEB_CONCURRENCY or 3, as make serve).",
        )
        parser.add_argument("--seconds", type=float, default=WINDOW, help="Each timed window.")

    def handle(self, *args, runs, results, skip, workers, seconds, **options):
        refuse_unless_throwaway()
        check_common(runs)
        if "public" in set(skip.split(",")):
            return
        with transaction.atomic():
            home_page()
        base = Path(settings.BASE_DIR)
        with tempfile.TemporaryDirectory() as static_root:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "off",
                "STATIC_ROOT": static_root,
            }
            env.pop("DEBUG", None)
            subprocess.run(  # noqa: S603
                [sys.executable, str(base / "manage.py"), "collectstatic", "--noinput", "-v0"],
                env=env,
                check=True,
            )
            manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
            static = "/static/" + manifest["paths"][STATIC_FILE]
            port = _free_port()
            gunicorn = Path(sys.executable).with_name("gunicorn")
            server = subprocess.Popen(  # noqa: S603
                [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--log-level", "warning"],
                env=env, cwd=base,
            )  # fmt: skip
            try:
                result = self._measure(port, static, runs=runs, seconds=seconds)
            finally:
                server.terminate()
                server.wait(timeout=30)
        result.measure = f"public home page, cached, gunicorn ({workers} workers), req/s"
        result.note = f"static file: {static}"
        judge(result, at_least=0.5)
        self.stdout.write(table([result]).splitlines()[-1])
        save([result], results)

    def _measure(self, port: int, static: str, *, runs: int, seconds: float) -> Result:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(port, "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise CommandError("gunicorn did not answer within a minute.") from None
                time.sleep(0.3)
        if status != 200 or HOME["library_name"].encode() not in body:
            raise CommandError(f"The home page answered {status}, not the page.")
        status, _body = _get(port, static)
        if status != 200:
            raise CommandError(f"The static file answered {status}.")
        # Every worker fills its own local-memory cache: a warm-up window for both.
        throughput(port, "/", 1.0)
        throughput(port, static, 1.0)
        result = Result("", "", [], [], unit="req/s")
        from reporting.management.commands.bench import database_label

        result.database = database_label()
        for _ in range(runs):
            result.ours.append(throughput(port, "/", seconds))
            result.baseline.append(throughput(port, static, seconds))
        return result


STATIC_FILE = "reporting/css/searchable-select.css"  # a small file of our own
