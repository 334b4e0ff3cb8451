"""``make bench``: seed a province into a fresh PostgreSQL database, serve it with gunicorn in production mode,
time the pages beside the floor view, run a mixed load, check every save reached the database, judge the goals.

Settings (environment): BENCH_UNITS (10000), BENCH_SECONDS (60), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/danvan_bench; dropped and recreated, so its name must contain "bench").
Progress goes to stderr, the figures to stdout; the last line is ``worst page ratio …``. Exits non-zero only
when the harness itself breaks, not when a goal is missed.
"""

import contextlib
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench import load

ROOT = Path(__file__).resolve().parent.parent
UNITS = int(os.environ.get("BENCH_UNITS") or 10_000)
SECONDS = float(os.environ.get("BENCH_SECONDS") or 60)
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/danvan_bench"
OFFICERS, REVIEWERS, LEADERS = 30, 10, 10  # the mixed load's 50 users
PAGE_REQUESTS, EXPORT_REQUESTS, SAVE_REQUESTS, WARMUP = 30, 10, 20, 2
PAGES, EXPORTS = ("overview", "matrix", "unit", "target"), ("csv", "docx")  # the names printed and judged
# Timed and printed too, not judged by the goals: the judged pages computed afresh (each request at an
# address of its own, so that no cached page serves it: the first view after a change), the other pages a
# leader opens, and the other downloads.
COMPUTED = tuple(f"{name}-computed" for name in PAGES)
# A signed-in page that does nothing: the start page of an account without a role (the data version, its session
# and its user, kept for that version, and the layout). What every page costs before its own work, printed beside
# the judged pages' ratios.
SIGNED_IN = "signed-in"
OTHER_PAGES, OTHER_EXPORTS = (
    (SIGNED_IN, *COMPUTED, "start", "completeness", "register", "inbox"),
    ("values", "texts", "matrix-xlsx", "values-xlsx"),
)
PAGE_GOAL, EXPORT_GOAL = 3.0, 2.0  # page p50 ≤ 3 × floor p50; export p95 < 2 s
SERVER_LOG = Path(tempfile.gettempdir()) / "danvan-bench-gunicorn.log"
MAX_REQUESTS_PER_SECOND = 1000  # the mixed load's bound in count, far above what two workers can serve


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that gunicorn is stopped on the way out
    os.environ.update(production_env())
    progress(f"# {machine()}")
    progress(f"# database {DATABASE_URL}: recreating, migrating, loading the fixtures, seeding {UNITS} units")
    recreate_database(DATABASE_URL)
    seeded = prepare()
    with serve() as port:
        results = sequential(port, seeded)
        for result in results:
            print(result.line(), flush=True)
        mixed_line, mixed_ok = mixed(port, seeded)
    print(mixed_line)
    print_goals(results, mixed_ok)


def production_env() -> dict[str, str]:
    """Production mode over plain HTTP on loopback: no redirect to HTTPS (the cookies stay Secure; the load
    generator sends them back anyway)."""
    return {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": load.HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "dvproject.settings",
    }


def machine() -> str:
    cpuinfo, meminfo = Path("/proc/cpuinfo").read_text(), Path("/proc/meminfo").read_text()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    memory = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
    with psycopg.connect(_server_url(DATABASE_URL)) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"machine: {os.cpu_count()} CPUs ({cpu}), {memory / 2**20:.1f} GiB, PostgreSQL {postgres}, "
        f"Python {platform.python_version()}; load generator, gunicorn and PostgreSQL on the same machine; "
        f"load average {os.getloadavg()[0]:.1f} before the run"
    )


def _server_url(url: str) -> str:
    """The same server's maintenance database, from which another database is dropped and created."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise load.BenchError(f"refusing to drop database “{name}”: its name must contain “bench”")
    with psycopg.connect(_server_url(url), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import seed

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "units_phong_tho", "programme_2024", verbosity=0)
    progress(f"# migrated and loaded the fixtures in {time.monotonic() - started:.1f} s; seeding")
    seeded = seed(units=UNITS, officers=OFFICERS + 1, reviewers=REVIEWERS, leaders=LEADERS, log=progress)
    call_command("collectstatic", "--noinput", verbosity=0)
    connections.close_all()
    return seeded


@contextlib.contextmanager
def serve():
    """gunicorn with two workers on a free loopback port, stopped whatever happens."""
    with socket.socket() as probe:
        probe.bind((load.HOST, 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "dvproject.wsgi", "--workers", "2", "--bind", f"{load.HOST}:{port}"]
    with SERVER_LOG.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if load.Browser(port).get(load.FLOOR).status == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise load.BenchError(f"gunicorn did not start; see {SERVER_LOG}")
            time.sleep(0.2)
        progress(f"# gunicorn (2 workers, production settings) on {load.HOST}:{port}, log {SERVER_LOG}")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if timeouts := SERVER_LOG.read_text().count("WORKER TIMEOUT"):
            progress(f"# gunicorn killed {timeouts} request(s) that ran past its 30 s worker timeout")


def sequential(port: int, seeded) -> list:
    """Each page and export as a leader, then an officer's draft save, each timed beside the floor view."""
    leader, officer, roleless = load.Browser(port), load.Browser(port), load.Browser(port)
    leader.sign_in(seeded.leaders[0], seeded.password)
    roleless.sign_in(seeded.roleless, seeded.password)
    submit_user, submit_unit = seeded.officers[0]
    officer.sign_in(submit_user, seeded.password)
    annual = seeded.period_ids[-1]
    pages = {
        "overview": "/tong-quan/",
        "matrix": "/tong-quan/ma-tran/",
        "unit": f"/tong-quan/don-vi/{seeded.sample_unit}/",
        "target": f"/tong-quan/chi-tieu/{seeded.target_id}/",
    }
    paths = {
        **pages,
        SIGNED_IN: "/",
        **{f"{name}-computed": path for name, path in pages.items()},
        "csv": "/xuat/ma-tran.csv",
        "docx": f"/xuat/bao-cao-{annual}.docx",
        "start": "/",
        "completeness": "/tong-quan/tien-do-nop/",
        "register": "/mo-hinh/",
        "inbox": "/tham-dinh/",
        "values": "/xuat/so-lieu.csv",
        "texts": "/xuat/noi-dung.csv",
        "matrix-xlsx": "/xuat/ma-tran.xlsx",
        "values-xlsx": "/xuat/so-lieu.xlsx",
    }
    results = []
    for name, path in paths.items():
        progress(f"# timing {name} {path}")
        count = PAGE_REQUESTS if name in PAGES + OTHER_PAGES else EXPORT_REQUESTS
        browser, fresh = (roleless if name == SIGNED_IN else leader), name in COMPUTED
        results.append(load.measure(browser, name, path, count=count, warmup=WARMUP, fresh=fresh))
    path = f"/bao-cao/{annual}/{submit_unit}/"
    progress(f"# timing submit {path}")
    results.append(load.measure_save(officer, "submit", path, count=SAVE_REQUESTS, warmup=WARMUP))
    return results


def mixed(port: int, seeded) -> tuple[str, bool]:
    """50 users at once for BENCH_SECONDS; then every save the server confirmed is looked up in the database."""
    from django.utils import timezone

    officers = seeded.officers[1:]
    before = figures_now([unit for _, unit in officers])
    since = timezone.now()
    tally = load.Tally(max_requests=int(MAX_REQUESTS_PER_SECOND * SECONDS))
    watched = [(period, unit) for _, unit in officers for period in seeded.editable_periods[unit]]
    pages = leader_pages(port, seeded)
    users: list[load.User] = [
        load.Officer(port, name, tally, seed=i, unit=unit, periods=seeded.period_ids)
        for i, (name, unit) in enumerate(officers)
    ]
    users += [
        load.Reviewer(port, name, tally, seed=100 + i, index=i, of=len(seeded.reviewers), watched=watched)
        for i, name in enumerate(seeded.reviewers)
    ]
    users += [load.Leader(port, name, tally, seed=200 + i, pages=pages) for i, name in enumerate(seeded.leaders)]
    progress(f"# mixed load: {len(users)} users for {SECONDS:g} s; leaders read {', '.join(pages)}")
    took = load.run_mixed(users, seeded.password, seconds=SECONDS)
    progress(f"# the requests under way at the end finished {took - SECONDS:.1f} s later")
    found = saves_found(tally.saves, before, since)
    reviews = reviews_found(since)
    for error in tally.errors[:10]:
        progress(f"#   error: {error}")
    line = (
        f"mixed load: {len(users)} users, {SECONDS:g} s, {_spaced(tally.requests)} requests, "
        f"{_spaced(len(tally.errors))} errors, {found}/{len(tally.saves)} saves found in the database; "
        f"{reviews}/{tally.reviews} approvals and returns found"
    )
    ok = not tally.errors and tally.saves and found == len(tally.saves) and reviews == tally.reviews
    return line, bool(ok)


def leader_pages(port: int, seeded) -> list[str]:
    """The home page and whichever dashboards answer now."""
    browser = load.Browser(port)
    browser.sign_in(seeded.leaders[0], seeded.password)
    candidates = [
        "/",
        "/tong-quan/",
        "/tong-quan/ma-tran/",
        "/tong-quan/tien-do-nop/",
        f"/tong-quan/don-vi/{seeded.sample_unit}/",
        f"/tong-quan/chi-tieu/{seeded.target_id}/",
        "/mo-hinh/",
    ]
    return [path for path in candidates if browser.get(path).status == 200]


def figures_now(units: list[str]) -> dict:
    """(unit code, period id) → {(target code, field): number} as stored now."""
    from reporting.models import Value

    state = defaultdict(dict)
    rows = Value.objects.filter(submission__unit__code__in=units).values_list(
        "submission__unit__code", "submission__period_id", "target__code", "numerator", "denominator"
    )
    for unit, period, code, numerator, denominator in rows:
        state[(unit, period)] |= {(code, "numerator"): numerator, (code, "denominator"): denominator}
    return state


def saves_found(saves: list, before: dict, since) -> int:
    """How many confirmed saves the database holds: each one as a history entry of the right kind whose
    changes, replayed in order from the figures before the load, give exactly the figures posted; and the
    report's stored figures are those of its last save."""
    from reporting.models import SubmissionEvent

    by_report = defaultdict(list)
    for save in saves:
        by_report[(save.unit, save.period)].append(save)
    now = figures_now(list({unit for unit, _ in by_report}))
    found = 0
    for report, report_saves in by_report.items():
        events = SubmissionEvent.objects.filter(
            submission__unit__code=report[0],
            submission__period_id=report[1],
            action__in=[SubmissionEvent.Action.SAVED, SubmissionEvent.Action.SUBMITTED],
            at__gte=since,
        ).order_by("at", "pk")
        if len(events) != len(report_saves):
            progress(f"#   {report}: {len(report_saves)} saves confirmed, {len(events)} recorded")
        state, matched = dict(before[report]), []
        for save, event in zip(report_saves, events, strict=False):
            state |= {(c["target"], c["field"]): c["new"] for c in event.changes if c["target"]}
            action = SubmissionEvent.Action.SUBMITTED if save.submitted else SubmissionEvent.Action.SAVED
            matched.append(event.action == action and _holds(state, save.figures))
        if matched and not _holds(now[report], report_saves[-1].figures):
            matched[-1] = False
        found += sum(matched)
    return found


def _holds(state: dict, figures: dict) -> bool:
    return all(state.get(key) == value for key, value in figures.items())


def reviews_found(since) -> int:
    from reporting.models import SubmissionEvent

    actions = [SubmissionEvent.Action.APPROVED, SubmissionEvent.Action.RETURNED]
    return SubmissionEvent.objects.filter(at__gte=since, action__in=actions).count()


def print_goals(results: list, mixed_ok: bool) -> None:
    """PASS or FAIL per goal. A missing page (404) is not judged; one that breaks (a 500, a timeout) fails."""
    timings = {r.name: r for r in results if isinstance(r, load.Timing)}
    errors = {r.name: r for r in results if isinstance(r, load.Unavailable)}
    pages = [timings[name] for name in PAGES if name in timings]
    broken = [name for name in PAGES if name in errors and errors[name].status != 404]
    worst = max(pages, key=lambda t: t.ratio, default=None)
    print("goals:")
    goal = f"every page's p50 within {PAGE_GOAL:g}× the floor"
    if worst is None and not broken:
        print(f"  {goal}: NOT MEASURED (no page available)")
    else:
        passed = not broken and worst.ratio <= PAGE_GOAL
        details = ([f"worst: {worst.name} {worst.ratio:.1f}"] if worst else []) + [f"{n} broke" for n in broken]
        print(f"  {goal}: {'PASS' if passed else 'FAIL'} ({', '.join(details)})")
    if pages and SIGNED_IN in timings:
        signed_in = timings[SIGNED_IN].p50
        ratios = ", ".join(f"{page.name} {page.p50 / signed_in:.1f}" for page in pages)
        print(f"  not judged, p50 over a signed-in page that does nothing ({signed_in * 1000:.1f} ms): {ratios}")
    for name in EXPORTS:
        goal = f"{name} export p95 under {EXPORT_GOAL:g} s"
        if name in timings:
            print(f"  {goal}: {'PASS' if timings[name].p95 < EXPORT_GOAL else 'FAIL'} ({timings[name].p95:.2f} s)")
        else:
            verdict = "NOT MEASURED" if errors[name].status == 404 else "FAIL"
            print(f"  {goal}: {verdict} ({errors[name].reason})")
    print(f"  mixed load with zero errors and every save found: {'PASS' if mixed_ok else 'FAIL'}")
    print(f"  timed, not judged: {', '.join(OTHER_PAGES + OTHER_EXPORTS)}")
    if errors:
        print(f"  excluded, the page answered an error: {', '.join(errors)}")
    print(f"worst page ratio {worst.ratio:.1f}" if worst else "worst page ratio n/a")


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


if __name__ == "__main__":
    main()
