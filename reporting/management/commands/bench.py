"""``manage.py bench``: every ``bench_*`` command on SQLite (and PostgreSQL with
``BENCH_DATABASE_URL``), each in a fresh throwaway database, and one table of the results;
``--write`` puts the table into docs/benchmarks.md with the machine and the date.

Also the harness those commands share (nothing here is imported by the app at run time):
each measure runs beside a baseline computing the same result, the two results are
checked equal before any timing, then the runs alternate (ours, baseline, ours, …) and the
median, min and max of each are reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

THROWAWAY_WORDS = ("bench", "test")
DEFAULT_RUNS = 7
DEFAULT_STAFF = 20000
DEFAULT_ITEMS = 5000
SQLITE_FILE = "var/bench.sqlite3"
DOC = "docs/benchmarks.md"


class Disagreement(CommandError):
    """Ours and the baseline did not compute the same result: nothing is timed."""


def is_throwaway(settings_dict: dict) -> bool:
    """An in-memory SQLite database, or one whose name (a SQLite file's name) has ``bench``
    or ``test`` as a word (``bench.sqlite3``, ``shx_bench``, pytest's ``test_…``)."""
    name = str(settings_dict.get("NAME") or "")
    if name == ":memory:" or "mode=memory" in name:
        return True
    words = re.split(r"[^a-z0-9]+", Path(name).name.lower())
    return any(word in THROWAWAY_WORDS for word in words)


def refuse_unless_throwaway() -> None:
    if not is_throwaway(connection.settings_dict):
        raise CommandError(
            f"Refusing to write benchmark data into {connection.settings_dict.get('NAME')!r}: "
            "use an in-memory SQLite database or one named with the word 'bench' or 'test', "
            "e.g. DATABASE_URL=sqlite:///var/bench.sqlite3 (see `make bench`)."
        )


def database_label() -> str:
    if connection.vendor == "postgresql":
        return "PostgreSQL"
    return "SQLite"


# -- results ------------------------------------------------------------------------------


@dataclass
class Result:
    """One line of the table. ``ours``/``baseline`` are seconds per run, or requests per
    second when ``unit`` is "req/s" (then the bigger is the better)."""

    measure: str
    database: str
    ours: list[float]
    baseline: list[float] | None = None
    unit: str = "s"
    target: str = "—"
    met: bool | None = None
    note: str = ""
    peak_mb: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return statistics.median(self.ours) / statistics.median(self.baseline)


def spread(values: list[float], unit: str) -> str:
    if not values:
        return "—"
    if unit == "s" and statistics.median(values) < 0.1:  # "0.00 s" would hide the figure
        values, unit = [v * 1000 for v in values], "ms"
    digits = 0 if unit == "req/s" else (2 if statistics.median(values) < 10 else 1)
    median, low, high = statistics.median(values), min(values), max(values)
    suffix = f" {unit}"
    return f"{median:.{digits}f} ({low:.{digits}f}–{high:.{digits}f}){suffix}"


def judge(result: Result, *, at_most: float | None = None, at_least: float | None = None):
    """Set the target and whether it is met from the ratio of the medians."""
    ratio = result.ratio
    if at_most is not None:
        result.target = f"≤ {at_most:g}×"
        result.met = ratio is not None and ratio <= at_most
    elif at_least is not None:
        result.target = f"≥ {at_least:g}×"
        result.met = ratio is not None and ratio >= at_least
    return result


def table(results: Iterable[Result]) -> str:
    lines = [
        "| measure | database | ours median (min–max) | baseline median (min–max) | ratio "
        "| target | met? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        ours = spread(r.ours, r.unit)
        if r.peak_mb:
            ours += f"; peak {spread(r.peak_mb, 'MB')}"
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(
            f"| {r.measure} | {r.database} | {ours} | {spread(r.baseline or [], r.unit)} "
            f"| {ratio} | {r.target} | {met} |"
        )
    return "\n".join(lines)


def save(results: list[Result], path: str | None) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for result in results:
            out.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")


def load(path: Path) -> list[Result]:
    if not path.exists():
        return []
    return [Result(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]


# -- timing -------------------------------------------------------------------------------


@contextlib.contextmanager
def rolled_back():
    """A savepoint undone after the run (outside the clock): each run of an import sees
    the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def clock(call: Callable[[], object], around=None) -> tuple[float, object]:
    with around() if around else contextlib.nullcontext():
        started = time.perf_counter()
        value = call()
        elapsed = time.perf_counter() - started
    return elapsed, value


def compare(
    measure: str,
    ours: Callable[[], object],
    baseline: Callable[[], object] | None,
    *,
    runs: int,
    check: Callable[[object, object], None] | None = None,
    around=None,
    out=None,
) -> Result:
    """``check(ours(), baseline())`` first (it raises AssertionError when they differ;
    these calls also warm the caches), then ``runs`` alternating runs of each."""
    if baseline is not None:
        _t, mine = clock(ours, around)
        _t, theirs = clock(baseline, around)
        if check is not None:
            try:
                check(mine, theirs)
            except AssertionError as error:
                raise Disagreement(f"{measure}: the baseline disagrees: {error}") from None
    else:
        clock(ours, around)
    result = Result(measure, database_label(), [], [] if baseline is not None else None)
    for _ in range(runs):
        result.ours.append(clock(ours, around)[0])
        if baseline is not None:
            result.baseline.append(clock(baseline, around)[0])
    if out is not None:
        out(table([result]).splitlines()[-1])
    return result


def same(mine, theirs, what: str = "result") -> None:
    """Equal, or an AssertionError naming the first few differences."""
    if mine == theirs:
        return
    if isinstance(mine, dict) and isinstance(theirs, dict):
        keys = sorted((k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)), key=str)
        sample = [(k, mine.get(k), theirs.get(k)) for k in keys[:5]]
        raise AssertionError(f"{what}: {len(keys)} differ, e.g. {sample}")
    if isinstance(mine, list | tuple) and isinstance(theirs, list | tuple):
        if len(mine) != len(theirs):
            raise AssertionError(f"{what}: {len(mine)} rows against {len(theirs)}")
        first = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b)
        raise AssertionError(f"{what}: row {first} differs: {mine[first]!r} != {theirs[first]!r}")
    raise AssertionError(f"{what}: {mine!r} != {theirs!r}")


def add_common_arguments(parser) -> None:
    parser.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, help=f"Runs of each (default {DEFAULT_RUNS})."
    )
    parser.add_argument(
        "--staff", type=int, default=DEFAULT_STAFF, help=f"Staff (default {DEFAULT_STAFF})."
    )
    parser.add_argument(
        "--items", type=int, default=DEFAULT_ITEMS, help=f"Plan items (default {DEFAULT_ITEMS})."
    )
    parser.add_argument("--results", help="Append the results to this file (JSON lines).")
    parser.add_argument(
        "--skip", default="", help="Comma-separated measures to leave out (their short names)."
    )


def check_common(runs: int) -> None:
    if runs < 1:
        raise CommandError("--runs must be at least 1.")
    if settings.DEBUG:
        raise CommandError("DEBUG is on: Django would log every query into the timings.")


# -- a call in a child process --------------------------------------------------------------


def _child(dotted: str, kwargs: dict, queue) -> None:
    import django

    django.setup()
    module, _dot, name = dotted.rpartition(".")
    function = getattr(__import__(module, fromlist=[name]), name)
    seconds = function(**kwargs)
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    queue.put((seconds, peak))


def in_child(dotted: str, **kwargs) -> tuple[float, float]:
    """Run the function ``dotted`` (which returns the seconds its work took) in a fresh
    spawned interpreter with Django set up; (those seconds, the child's peak RSS in MB)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(dotted, kwargs, queue))
    process.start()
    try:
        result = queue.get(timeout=3600)
    finally:
        process.join()
    if process.exitcode:
        raise CommandError(f"{dotted} failed in its child process ({process.exitcode}).")
    return result


def child_runs(measure: str, dotted: str, *, runs: int, out=None, **kwargs) -> Result:
    result = Result(measure, database_label(), [])
    for _ in range(runs):
        seconds, peak = in_child(dotted, **kwargs)
        result.ours.append(seconds)
        result.peak_mb.append(peak)
    if out is not None:
        out(table([result]).splitlines()[-1])
    return result


def merged(path: Path, text: str) -> str:
    """The table of ``path`` with its lines for the same measure and database replaced by
    those of ``text`` (new ones added at the end)."""
    if not path.exists():
        return text

    def key(line: str) -> tuple[str, str]:
        cells = line.split(" | ")
        return cells[0], cells[1]

    fresh = {key(line): line for line in text.splitlines()[2:]}
    old = [line for line in path.read_text("utf-8").splitlines() if line.startswith("| ")]
    old = [line for line in old if " | ours median" not in line and "| --- |" not in line]
    old = [line for line in old if len(line.split(" | ")) == 7]
    lines = [fresh.pop(key(line), line) for line in old]
    return "\n".join([*text.splitlines()[:2], *lines, *fresh.values()])


# -- the machine --------------------------------------------------------------------------


def machine(postgres_version: str | None) -> list[str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    import sqlite3

    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if postgres_version:
        lines.append(f"- PostgreSQL {postgres_version}")
    return lines


# -- the command --------------------------------------------------------------------------


def _maintenance_dsn(url: str) -> tuple[str, str]:
    """(the URL of the server's ``postgres`` database, the bench database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def _postgres(url: str, *statements: str) -> str:
    import psycopg

    dsn, _name = _maintenance_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as pg:
        for statement in statements:
            pg.execute(statement)
        return pg.execute("SHOW server_version").fetchone()[0]


class Command(BaseCommand):
    help = (
        "Run every bench_* command (the plan dashboard and tracking table; the workforce "
        "structure, compliance, staff import and export, the roster; the public home page "
        "under gunicorn) on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set, each "
        "in a database created for it and dropped after (PostgreSQL: the name must contain "
        "the word 'bench' or 'test'). Prints one table; --write puts it into "
        "docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--postgres",
            default=os.environ.get("BENCH_DATABASE_URL", ""),
            help="A PostgreSQL URL to bench too (default: $BENCH_DATABASE_URL).",
        )
        parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only.")
        parser.add_argument(
            "--only", default="", help="Comma-separated bench_* commands (default: all)."
        )
        parser.add_argument(
            "--write", nargs="?", const=DOC, default=None, help=f"Write the table to {DOC}."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the bench databases.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="With --write: replace only the lines measured now, keep the file's others.",
        )

    def handle(self, *args, runs, staff, items, results, skip, postgres, no_sqlite, only,
               write, keep, update, **options):  # fmt: skip
        check_common(runs)
        commands = sorted(name for name in get_commands() if name.startswith("bench_"))
        if only:
            commands = [c for c in commands if c in {f"bench_{o}" for o in only.split(",")}]
        databases = [] if no_sqlite else [f"sqlite:///{SQLITE_FILE}"]
        if postgres:
            _dsn, name = _maintenance_dsn(postgres)
            if not is_throwaway({"NAME": name}):
                raise CommandError(
                    f"Refusing to drop and create {name!r}: name the bench database with the "
                    "word 'bench' or 'test' (e.g. .../shx_bench)."
                )
            databases.append(postgres)
        if not databases:
            raise CommandError("Nothing to bench: --no-sqlite without --postgres.")
        started = dt.datetime.now().astimezone()
        collected: list[Result] = []
        pg_version = None
        with tempfile.TemporaryDirectory() as scratch:
            for url in databases:
                out_file = Path(scratch) / "results.jsonl"
                out_file.unlink(missing_ok=True)
                pg_version = self._prepare(url) or pg_version
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "DJANGO_SETTINGS_MODULE": "config.settings.test",
                }
                try:
                    self._manage(env, "migrate", "-v0")
                    for command in commands:
                        self.stdout.write(f"== {command} on {url.split(':', 1)[0]}")
                        self._manage(
                            env, command, f"--runs={runs}", f"--staff={staff}",
                            f"--items={items}", f"--results={out_file}", f"--skip={skip}",
                        )  # fmt: skip
                finally:
                    if url.startswith("postgres") and not keep:
                        _name = _maintenance_dsn(url)[1]
                        _postgres(url, f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)')
                collected += load(out_file)
        save(collected, results)
        text = table(collected)
        self.stdout.write("")
        self.stdout.write(text)
        if write and update:
            text = merged(Path(write), text)
        if write:
            self._write(Path(write), text, started, pg_version, runs=runs, staff=staff,
                        items=items)  # fmt: skip
            self.stdout.write(f"Written to {write}.")

    def _prepare(self, url: str) -> str | None:
        if url.startswith("sqlite"):
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(SQLITE_FILE + suffix).unlink(missing_ok=True)
            Path(SQLITE_FILE).parent.mkdir(parents=True, exist_ok=True)
            return None
        name = _maintenance_dsn(url)[1]
        return _postgres(
            url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
        )

    def _manage(self, env: dict, *arguments: str) -> None:
        manage = Path(settings.BASE_DIR) / "manage.py"
        done = subprocess.run([sys.executable, str(manage), *arguments], env=env, check=False)  # noqa: S603
        if done.returncode:
            raise CommandError(f"manage.py {' '.join(arguments)} failed ({done.returncode}).")

    def _write(self, path: Path, text: str, started, pg_version, *, runs, staff, items):
        lines = [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {started:%Y-%m-%d %H:%M %Z}: {staff:,} staff, "
            f"{items:,} plan items, {runs} runs of each side. Regenerate with `make bench` "
            "(`make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shx_bench` "
            "for PostgreSQL too).",
            "",
            "## Machine",
            "",
            *machine(pg_version),
            "",
            "## Results",
            "",
            text,
            "",
            METHOD,
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")


METHOD_TEXT = """## How it is measured

- Each measure runs beside a **baseline computing the same result**: the two are run once
  and their results compared (the same figures, the same rows, the same cells) before
  anything is timed; a disagreement stops the bench.
- Then the runs **alternate** (ours, baseline, ours, baseline, …) so that a slower or
  faster spell of the machine falls on both; the table gives the **median, min and max**
  of each, and the ratio of the medians (for throughput, ours ÷ the static file's).
- Every command runs in a fresh process on a fresh database (SQLite file, or a PostgreSQL
  database created and dropped by the bench); the generated data is committed first.
- Imports run in a savepoint rolled back after each run (outside the clock), so every run
  sees the same database; the baseline reads the same file (openpyxl read-only) and
  writes the same values.
- The roster and the tracking table run in a fresh child process each time (spawned, not
  forked): the time of the call, and the child's peak resident memory (VmHWM, Django
  loaded included).
- Throughput: gunicorn with `config.settings.production` (the page cache on, local
  memory), the home page against a static file served by whitenoise from the same
  server, requests by a pure-Python load generator (several processes, keep-alive
  where the server allows it), in alternating timed windows.

What each baseline is:
"""
BASELINES = (
    (
        "plan dashboard",
        "one SQL statement computing every item's progress, expected progress, status, "
        "latest health and overdue flag (the roll-up by depth in CTEs), then plain-"
        "Python sums over those tuples for the units, areas, counts and lists",
    ),
    (
        "workforce structure",
        "one SQL statement: each person's title, post and age band in a CTE, one GROUP "
        "BY per dimension",
    ),
    (
        "compliance, short only",
        "one SQL statement: the people employed in the year in a professional post, "
        "their hours grouped once, the rule in integer tenths; the same list in the "
        "same order",
    ),
    (
        "staff import, new rows",
        "read the same sheet (openpyxl read-only, values only), then COPY (PostgreSQL) "
        "or `bulk_create` (SQLite) of the same staff rows",
    ),
    (
        "staff import, every row changed",
        "read the same sheet, then COPY into a temporary table and one `UPDATE … FROM` "
        "(SQLite: the temporary table filled by `executemany`)",
    ),
    ("staff export", "one plain SQL query and openpyxl's write-only workbook of the same cells"),
    (
        "finalise an annual appraisal",
        "two UPDATE statements writing the same rows (every grade by a CASE on the "
        "participation, then the cycle's status); no access check, lock or history entry",
    ),
)
METHOD = "\n".join(
    [
        METHOD_TEXT,
        "| measure | baseline |",
        "| --- | --- |",
        *(f"| {measure} | {baseline} |" for measure, baseline in BASELINES),
        "",
    ]
)
