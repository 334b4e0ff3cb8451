"""``make bench``: for each size, seed a province into a fresh PostgreSQL database, serve it with gunicorn in
production mode, time the pages at their first view after a change and viewed again beside the floor (a
signed-in page that does nothing), time the downloads, run a mixed load (timing the leaders' views), check
every save reached the database; then judge the goals over the sizes.

Settings (environment): BENCH_UNITS (the sizes, "1000 10000 50000"), BENCH_SECONDS (60), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/danvan_bench; dropped and recreated, so its name must contain "bench").
Progress goes to stderr, the figures to stdout; the last line is ``worst page ratio …``. Exits non-zero only
when the harness itself breaks, not when a goal is missed.
"""

import contextlib
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench import load

ROOT = Path(__file__).resolve().parent.parent
SIZES = tuple(int(n) for n in (os.environ.get("BENCH_UNITS") or "1000 10000 50000").replace(",", " ").split())
SECONDS = float(os.environ.get("BENCH_SECONDS") or 60)
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/danvan_bench"
OFFICERS, REVIEWERS, LEADERS = 30, 10, 10  # the mixed load's 50 users
PAGE_REQUESTS, EXPORT_REQUESTS, SAVE_REQUESTS, WARMUP = 30, 10, 20, 2
# The pages judged: each timed at its first view after a change ("NAME-changed": an officer's draft save is
# committed, untimed, before each request) and viewed again ("NAME").
PAGES = ("overview", "matrix", "completeness", "unit", "target", "start", "register")
CHANGED = tuple(f"{name}-changed" for name in PAGES)
EXPORTS = ("csv", "docx", "values", "texts", "matrix-xlsx", "values-xlsx")
# Made by the worker: the asking is judged, the file's time printed. The CSVs too, past the units a request
# streams (``reporting.downloads.CSV_IN_REQUEST_UNITS``): their addresses then lead to the page that asks.
BACKGROUND = ("matrix-xlsx", "values-xlsx")
BACKGROUND_REQUESTS = 3
OTHER_PAGES = ("inbox",)  # timed, not judged
JUDGED_SIZE = 10_000  # the size at which the pages are judged against the floor
PAGE_GOAL, GROWTH_GOAL, EXPORT_GOAL, LEADER_GOAL = 3.0, 1.5, 2.0, 0.100
SERVER_LOG = Path(tempfile.gettempdir()) / "danvan-bench-gunicorn.log"
MAX_REQUESTS_PER_SECOND = 1000  # the mixed load's bound in count, far above what two workers can serve


@dataclass
class Run:
    """What one size gave."""

    units: int
    results: list
    mixed_line: str
    mixed_ok: bool
    leader_views: list[float]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that gunicorn is stopped on the way out
    os.environ.update(production_env())
    progress(f"# {machine()}")
    runs = []
    for units in SIZES:
        print(f"## {units} units", flush=True)
        progress(f"# database {DATABASE_URL}: recreating, migrating, loading the fixtures, seeding {units} units")
        recreate_database(DATABASE_URL)
        seeded = prepare(units)
        with serve() as port:
            results = sequential(port, seeded)
            for result in results:
                print(result.line(), flush=True)
            mixed_line, mixed_ok, leader_views = mixed(port, seeded)
        print(mixed_line, flush=True)
        runs.append(Run(units, results, mixed_line, mixed_ok, leader_views))
        close_connections()  # the next size drops this database, ending any connection to it
    print_goals(runs)


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


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


def prepare(units: int):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.seed import seed

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "units_phong_tho", "programme_2024", verbosity=0)
    progress(f"# migrated and loaded the fixtures in {time.monotonic() - started:.1f} s; seeding")
    seeded = seed(units=units, officers=OFFICERS + 1, reviewers=REVIEWERS, leaders=LEADERS, log=progress)
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
    worker_command = [sys.executable, "manage.py", "db_worker"]  # the background downloads' worker, as make run
    with SERVER_LOG.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        worker = subprocess.Popen(worker_command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if load.Browser(port).get(load.HEALTH).status == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise load.BenchError(f"gunicorn did not start; see {SERVER_LOG}")
            time.sleep(0.2)
        progress(f"# gunicorn (2 workers, production settings) on {load.HOST}:{port} and db_worker, log {SERVER_LOG}")
        yield port
    finally:
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if timeouts := SERVER_LOG.read_text().count("WORKER TIMEOUT"):
            progress(f"# gunicorn killed {timeouts} request(s) that ran past its 30 s worker timeout")


def sequential(port: int, seeded) -> list:
    """Each page (at its first view after a change, and viewed again) and each download as a leader, then an
    officer's draft save, each timed beside the floor."""
    leader, officer, roleless, changer = (load.Browser(port) for _ in range(4))
    leader.sign_in(seeded.leaders[0], seeded.password)
    roleless.sign_in(seeded.roleless, seeded.password)
    submit_user, submit_unit = seeded.officers[0]
    officer.sign_in(submit_user, seeded.password)
    changer.sign_in(submit_user, seeded.password)
    annual = seeded.period_ids[-1]
    report = f"/bao-cao/{annual}/{submit_unit}/"
    change = load.draft_saver(changer, report, random.Random(7))
    at = f"/ct/{seeded.programme_code}"  # the programme's pages (docs/decisions/0029-programme-in-the-address.md)
    pages = {
        "overview": f"{at}/tong-quan/",
        "matrix": f"{at}/tong-quan/ma-tran/",
        "completeness": f"{at}/tong-quan/tien-do-nop/",
        "unit": f"{at}/tong-quan/don-vi/{seeded.sample_unit}/",
        "target": f"{at}/tong-quan/chi-tieu/{seeded.target_id}/",
        "start": "/",
        "register": "/mo-hinh/",
    }
    exports = {
        "csv": f"{at}/xuat/ma-tran.csv",
        "docx": f"{at}/xuat/bao-cao-{annual}.docx",
        "values": f"{at}/xuat/so-lieu.csv",
        "texts": f"{at}/xuat/noi-dung.csv",
        "matrix-xlsx": f"{at}/xuat/chuan-bi/ma-tran.xlsx",
        "values-xlsx": f"{at}/xuat/chuan-bi/so-lieu.xlsx",
    }
    results = []
    floor = dict(floor=roleless, warmup=WARMUP)
    for name, path in pages.items():
        progress(f"# timing {name} {path}, at the first view after a change and viewed again")
        results.append(load.measure(leader, f"{name}-changed", path, count=PAGE_REQUESTS, change=change, **floor))
        results.append(load.measure(leader, name, path, count=PAGE_REQUESTS, **floor))
    progress(f"# timing inbox {at}/tham-dinh/")
    results.append(load.measure(leader, "inbox", f"{at}/tham-dinh/", count=PAGE_REQUESTS, **floor))
    for name, path in exports.items():
        progress(f"# timing {name} {path}")
        if name not in BACKGROUND and (probe := leader.get(path)).status == 302 and "/chuan-bi/" in probe.location:
            path = probe.location  # a CSV of more units than a request streams: made in the background
            progress(f"# {name} is made in the background: timing {path}")
        if "/chuan-bi/" in path:
            asked, ready = load.measure_background(leader, name, path, floor=roleless, count=BACKGROUND_REQUESTS)
            results += [asked] + ([ready] if ready else [])
        else:
            results.append(load.measure(leader, name, path, count=EXPORT_REQUESTS, **floor))
    progress(f"# timing submit {report}")
    results.append(load.measure_save(officer, "submit", report, count=SAVE_REQUESTS, **floor))
    return results


def mixed(port: int, seeded) -> tuple[str, bool, list[float]]:
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
        load.Reviewer(
            port,
            name,
            tally,
            seed=100 + i,
            index=i,
            of=len(seeded.reviewers),
            watched=watched,
            inbox=f"/ct/{seeded.programme_code}/tham-dinh/",
        )
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
    views = tally.leader_views
    if views:
        line += (
            f"; leaders' views p50 {load.percentile(views, 50) * 1000:.1f} ms "
            f"p95 {load.percentile(views, 95) * 1000:.1f} ms ({len(views)} views)"
        )
    ok = not tally.errors and tally.saves and found == len(tally.saves) and reviews == tally.reviews
    return line, bool(ok), views


def leader_pages(port: int, seeded) -> list[str]:
    """The home page and whichever dashboards answer now."""
    browser = load.Browser(port)
    browser.sign_in(seeded.leaders[0], seeded.password)
    candidates = [
        "/",
        f"/ct/{seeded.programme_code}/tong-quan/",
        f"/ct/{seeded.programme_code}/tong-quan/ma-tran/",
        f"/ct/{seeded.programme_code}/tong-quan/tien-do-nop/",
        f"/ct/{seeded.programme_code}/tong-quan/don-vi/{seeded.sample_unit}/",
        f"/ct/{seeded.programme_code}/tong-quan/chi-tieu/{seeded.target_id}/",
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


def print_goals(runs: list[Run]) -> None:
    """PASS or FAIL per goal. A missing page (404) is not judged; one that breaks (a 500, a timeout) fails."""
    print("goals:")
    by_size = {run.units: _timings(run) for run in runs}
    judged = JUDGED_SIZE if JUDGED_SIZE in by_size else max(by_size)
    timings, errors = by_size[judged]
    changed = [timings[name] for name in CHANGED if name in timings]
    broken = [name for name in CHANGED if name in errors and errors[name].status != 404]
    worst = max(changed, key=lambda t: t.ratio, default=None)
    goal = f"every page's first view after a change: p50 within {PAGE_GOAL:g}× the floor at {judged} units"
    if worst is None and not broken:
        print(f"  {goal}: NOT MEASURED (no page available)")
    else:
        passed = not broken and worst.ratio <= PAGE_GOAL
        details = ([f"worst: {worst.name} {worst.ratio:.1f}"] if worst else []) + [f"{n} broke" for n in broken]
        print(f"  {goal}: {'PASS' if passed else 'FAIL'} ({', '.join(details)})")
    small, large = min(by_size), max(by_size)
    goal = f"every page's first view after a change at {large} units: p50 within {GROWTH_GOAL:g}× its {small}"
    if large == small or large < 5 * small:
        print(f"  {goal}: NOT MEASURED (sizes {', '.join(map(str, by_size))})")
    else:
        growth = [
            (name, by_size[large][0][name].p50 / by_size[small][0][name].p50)
            for name in CHANGED
            if name in by_size[large][0] and name in by_size[small][0]
        ]
        name, most = max(growth, key=lambda g: g[1])
        verdict = "PASS" if most <= GROWTH_GOAL and len(growth) == len(CHANGED) else "FAIL"
        print(f"  {goal}: {verdict} (most: {name} {most:.2f}×; {', '.join(f'{n} {g:.2f}' for n, g in growth)})")
    for run in runs:
        goal = f"leaders' views under the mixed load at {run.units} units: p95 under {LEADER_GOAL * 1000:g} ms"
        if run.leader_views:
            p95 = load.percentile(run.leader_views, 95)
            print(f"  {goal}: {'PASS' if p95 < LEADER_GOAL else 'FAIL'} ({p95 * 1000:.1f} ms)")
        else:
            print(f"  {goal}: NOT MEASURED")
        verdict = "PASS" if run.mixed_ok else "FAIL"
        print(f"  mixed load at {run.units} units with zero errors and every save found: {verdict}")
    for units, (timings, errors) in by_size.items():
        for name in EXPORTS:
            asked = "asking for the " if f"{name}-ready" in timings else ""
            goal = f"{asked}{name} download at {units} units answers within {EXPORT_GOAL:g} s (p95)"
            if name in timings:
                verdict = "PASS" if timings[name].p95 < EXPORT_GOAL else "FAIL"
                print(f"  {goal}: {verdict} ({timings[name].p95:.2f} s)")
            else:
                verdict = "NOT MEASURED" if errors[name].status == 404 else "FAIL"
                print(f"  {goal}: {verdict} ({errors[name].reason})")
    print(
        f"  timed, not judged: the pages viewed again, {', '.join(OTHER_PAGES)}, submit, "
        f"the time until the background files are ready ({', '.join(f'{n}-ready' for n in BACKGROUND)})"
    )
    for units, (_, errors) in by_size.items():
        if errors:
            print(f"  excluded at {units} units, the page answered an error: {', '.join(errors)}")
    print(f"worst page ratio {worst.ratio:.1f}" if worst else "worst page ratio n/a")


def _timings(run: Run) -> tuple[dict, dict]:
    timings = {r.name: r for r in run.results if isinstance(r, load.Timing)}
    errors = {r.name: r for r in run.results if isinstance(r, load.Unavailable)}
    return timings, errors


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


if __name__ == "__main__":
    main()
