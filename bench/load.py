"""The load generator: browsers made of ``http.client`` and a cookie jar, sequential timings beside the floor
view, and the mixed load of officers, reviewers and leaders. Plain HTTP only, to 127.0.0.1 only; no Django.
"""

import contextlib
import http.client
import random
import re
import statistics
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 120  # seconds for one request, queueing included
FLOOR = "/"  # the start page, opened by an account without a role: a signed-in page that does nothing
HEALTH = "/suc-khoe/"
LOGIN = "/dang-nhap/"
BUDGET, MIN_SAMPLES = 60.0, 5  # seconds spent timing one page before stopping early, and the fewest timings
THINK = 1.0  # the longest pause of a mixed-load user between two steps, in seconds


class BenchError(Exception):
    """The harness itself cannot go on (as opposed to a page missing its goal)."""


class TimeUp(Exception):
    """The mixed load's time or request count is spent: no new request starts."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    seconds: float
    location: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One person's browser. Cookies are sent back whatever their Secure flag says: the server runs in
    production mode (every cookie Secure) but the bench speaks plain HTTP on loopback."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            start = time.perf_counter()
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
            seconds = time.perf_counter() - start
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, content, seconds, response.headers.get("Location") or "")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get(LOGIN)
        data = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
        }
        if (status := self.post(LOGIN, data).status) != 302:
            raise BenchError(f"sign-in of {username} answered HTTP {status}")


def hidden(html: str, name: str) -> str:
    """The value of a form's hidden input (the CSRF token, a report's version)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


def report_post(html: str, rng: random.Random, *, submit: bool) -> tuple[dict, dict]:
    """What an officer posts from the report form: random valid figures for every target on it, and the
    narrative. Returns the form data and the figures {(target code, field): number} it carries."""
    figures = {}
    for code in sorted(set(re.findall(r'name="num_(\w+)"', html))):
        denominator = rng.randint(1, 500)
        figures[(code, "numerator")], figures[(code, "denominator")] = rng.randint(0, denominator), denominator
    data = {f"{'num' if name == 'numerator' else 'den'}_{code}": value for (code, name), value in figures.items()}
    for number in set(re.findall(r'name="group_(\d+)"', html)):
        data[f"group_{number}"] = f"Kết quả nhóm nhiệm vụ {number}, lần lưu {rng.randint(1, 10**6)}."
    data |= {
        "csrfmiddlewaretoken": hidden(html, "csrfmiddlewaretoken"),
        "version": hidden(html, "version"),
        "action": "submit" if submit else "save",
        "shortcomings": "Còn khó khăn về địa bàn.",
        "next_steps": "Tiếp tục vận động nhân dân.",
        "proposals": "Không.",
    }
    return data, figures


# Sequential timings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    name: str
    page: list[float]
    floor: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.page)

    @property
    def p95(self) -> float:
        return percentile(self.page, 95)

    @property
    def floor_p50(self) -> float:
        return statistics.median(self.floor)

    @property
    def ratio(self) -> float:
        return self.p50 / self.floor_p50

    def line(self) -> str:
        return (
            f"{self.name} p50 {self.p50 * 1000:.1f} ms p95 {self.p95 * 1000:.1f} ms "
            f"floor {self.floor_p50 * 1000:.1f} ms ratio {self.ratio:.1f}"
        )


@dataclass(frozen=True)
class Unavailable:
    name: str
    status: int
    seconds: float = 0.0  # how long the error took: a slow one is usually gunicorn's worker timeout

    @property
    def reason(self) -> str:
        return f"HTTP {self.status}" + (f" after {self.seconds:.1f} s" if self.seconds >= 1 else "")

    def line(self) -> str:
        return f"{self.name} unavailable ({self.reason})"


def percentile(samples: list[float], p: int) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def measure(
    browser: Browser, name: str, path: str, *, floor: Browser, count: int, warmup: int, change=None
) -> Timing | Unavailable:
    """``count`` sequential GETs of ``path``, each followed by the floor (``floor``'s start page: a signed-in page
    that does nothing), after ``warmup`` GETs. ``change``, when given, is called (untimed) before each GET: a
    committed write, so that each GET is the first view after a change."""

    def one() -> Response:
        if change is not None:
            change()
        return browser.get(path)

    return _timed(browser, name, one, floor=floor, expect=200, count=count, warmup=warmup)


def measure_save(
    browser: Browser, name: str, path: str, *, floor: Browser, count: int, warmup: int
) -> Timing | Unavailable:
    """An officer saving a draft: the form is read first (untimed) for its version and CSRF token, then the
    POST is timed; a save answers 302."""
    save = draft_saver(browser, path, random.Random(1))
    return _timed(browser, name, save, floor=floor, expect=302, count=count, warmup=warmup)


def measure_background(
    browser: Browser, name: str, path: str, *, floor: Browser, count: int
) -> tuple[Timing | Unavailable, Timing | None]:
    """A download made in the background: asking for it (a POST, timed; the page that asks is read first,
    untimed, for its CSRF token), then its progress followed until the file is ready (timed apart, from the
    POST to the file). Returns the asking's timing and the ready one's."""
    ready: list[float] = []

    def ask() -> Response:
        page = browser.get(path)
        if page.status != 200:
            return page
        started = time.perf_counter()
        response = browser.post(path, {"csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken")})
        if response.status != 302:
            return response
        progress = f"{response.location.rstrip('/')}/tien-do.json"
        while True:
            state = browser.get(progress)
            found = re.search(r'"state": "(\w+)"', state.text)
            if state.status != 200 or not found or found.group(1) == "failed":
                return Response(500, state.body, response.seconds)
            if found.group(1) == "done":
                ready.append(time.perf_counter() - started)
                return response
            time.sleep(0.1)

    timing = _timed(browser, name, ask, floor=floor, expect=302, count=count, warmup=0)
    if not isinstance(timing, Timing):
        return timing, None
    return timing, Timing(f"{name}-ready", ready, timing.floor)


def draft_saver(browser: Browser, path: str, rng: random.Random):
    """A function that reads the report form at ``path`` (untimed) and saves a draft with new figures."""

    def save() -> Response:
        form = browser.get(path)
        if form.status != 200 or 'id="report-form"' not in form.text:
            return form  # no editable form: reported as unavailable with this status
        return browser.post(path, report_post(form.text, rng, submit=False)[0])

    return save


def _timed(
    browser: Browser, name: str, one, *, floor: Browser, expect: int, count: int, warmup: int
) -> Timing | Unavailable:
    """``count`` timings after ``warmup`` untimed calls, or fewer (never under ``MIN_SAMPLES``) once
    ``BUDGET`` seconds are spent, so that a page taking seconds does not hold the bench for an hour."""
    page, floors = [], []
    start = time.monotonic()
    for i in range(warmup + count):
        response = one()
        if response.status != expect:
            return Unavailable(name, response.status, response.seconds)
        if i >= warmup:
            page.append(response.seconds)
            floors.append(floor.get(FLOOR).seconds)
            if len(page) >= MIN_SAMPLES and time.monotonic() - start > BUDGET:
                break
    return Timing(name, page, floors)


# The mixed load -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Save:
    """A report save the server confirmed (302), with the figures it carried."""

    unit: str
    period: int
    figures: dict
    submitted: bool


@dataclass
class Tally:
    """What every user of the mixed load did, shared between threads."""

    max_requests: int
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    reviews: int = 0
    leader_views: list[float] = field(default_factory=list)  # seconds of each dashboard view by a leader
    lock: threading.Lock = field(default_factory=threading.Lock)

    def full(self) -> bool:
        return self.requests >= self.max_requests


class User:
    """A signed-in user who repeats ``step`` with a short pause until the deadline or the request bound."""

    def __init__(self, port: int, username: str, tally: Tally, seed: int):
        self.browser, self.username, self.tally = Browser(port), username, tally
        self.rng = random.Random(seed)
        self.deadline = 0.0

    def call(self, method: str, path: str, data: dict | None = None, *, expect=(200,)) -> Response | None:
        """One request; anything but the expected status (or no answer at all) is counted as an error."""
        if time.monotonic() >= self.deadline or self.tally.full():
            raise TimeUp
        try:
            response = self.browser.request(method, path, data)
        except (OSError, http.client.HTTPException) as error:
            response, problem = None, f"{type(error).__name__}: {error}"
        else:
            problem = None if response.status in expect else f"HTTP {response.status}"
        with self.tally.lock:
            self.tally.requests += 1
            if problem:
                self.tally.errors.append(f"{self.username} {method} {path}: {problem}")
        return response if problem is None else None

    def run(self, deadline: float) -> None:
        self.deadline = deadline
        with contextlib.suppress(TimeUp):
            while True:
                self.step()
                time.sleep(self.rng.uniform(0, THINK))

    def step(self) -> None:
        raise NotImplementedError


class Officer(User):
    """Opens one of the unit's reports; when it is still editable, saves a draft or (one time in three)
    submits it."""

    def __init__(self, *args, unit: str, periods: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.periods = unit, periods

    def step(self) -> None:
        if self.rng.random() < 0.2:
            self.call("GET", "/")
        period = self.rng.choice(self.periods)
        path = f"/bao-cao/{period}/{self.unit}/"
        form = self.call("GET", path)
        if form is None or 'id="report-form"' not in form.text:
            return  # submitted or approved: read-only until a reviewer returns it
        submit = self.rng.random() < 1 / 3
        data, figures = report_post(form.text, self.rng, submit=submit)
        if self.call("POST", path, data, expect=(302,)):
            with self.tally.lock:
                self.tally.saves.append(Save(self.unit, period, figures, submit))


class Reviewer(User):
    """Reads the inbox, opens a submitted report of the own share (the inbox's or an officer's), and approves
    it or (one time in three) returns it. Shares are disjoint, so two reviewers never race for one report."""

    def __init__(self, *args, index: int, of: int, watched: list[tuple[int, str]], inbox: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.index, self.of, self.inbox = index, of, inbox
        self.watched = [(period, unit) for period, unit in watched if self.owns(unit)]

    def owns(self, unit: str) -> bool:
        return zlib.crc32(unit.encode()) % self.of == self.index

    def step(self) -> None:
        inbox = self.call("GET", self.inbox)
        if inbox is None:
            return
        listed = [(int(p), u) for p, u in re.findall(r'href="/tham-dinh/(\d+)/([^/"]+)/"', inbox.text) if self.owns(u)]
        choices = self.watched if self.watched and (not listed or self.rng.random() < 0.5) else listed
        if not choices:
            return
        period, unit = self.rng.choice(choices)
        path = f"/tham-dinh/{period}/{unit}/"
        page = self.call("GET", path)
        if page is None or 'value="approve"' not in page.text:
            return  # not waiting for review
        data = {
            "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
            "version": hidden(page.text, "version"),
        }
        if self.rng.random() < 1 / 3:
            data |= {"action": "return", "comment": "Đề nghị đơn vị kiểm tra lại số liệu."}
        else:
            data["action"] = "approve"
        if self.call("POST", path, data, expect=(302,)):
            with self.tally.lock:
                self.tally.reviews += 1


class Leader(User):
    """Looks at the dashboards."""

    def __init__(self, *args, pages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.pages = pages

    def step(self) -> None:
        if response := self.call("GET", self.rng.choice(self.pages)):
            with self.tally.lock:
                self.tally.leader_views.append(response.seconds)


def run_mixed(users: list[User], password: str, *, seconds: float) -> float:
    """Sign everyone in (not timed), then let them all work at once for ``seconds``. Returns the time taken."""
    threads = [threading.Thread(target=u.browser.sign_in, args=(u.username, password)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signed_in = sum(1 for u in users if "sessionid" in u.browser.cookies)
    if signed_in != len(users):
        raise BenchError(f"only {signed_in} of {len(users)} users could sign in")
    start = time.monotonic()
    threads = [threading.Thread(target=u.run, args=(start + seconds,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start
