"""A bounded load test on loopback: logged-in users browse, search and export against gunicorn.

    .venv/bin/python scripts/loadtest.py [--users 100] [--duration 120] [--workers 3] [--threads 4]
                                         [--worker-class gthread|gevent]

Run by `bash scripts/bench.sh --tier city --load` (which provides the PostgreSQL database
and the generated data). It starts gunicorn on 127.0.0.1 only, gives each virtual user
its own signed-in session (staff, leadership and union chairs of the generated
federations: sessions are created directly, as after a successful sign-in, so the
password and second-factor steps are not part of the measure), and each user clicks
through the main pages with a think time of 2–8 s between clicks (--think-min/--think-max). It stops by itself
after `--duration` seconds or `--max-requests` requests, whichever comes first, then
stops gunicorn and prints requests, errors and latency percentiles per page, with one
JSON object as the last line. gunicorn runs with the production settings of
gunicorn.conf.py (worker model, threads, keep-alive), the address, access log and the
options given here excepted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only target this script ever sends to


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tienlang.settings")
    import django

    django.setup()


def signed_in_session(user) -> str:
    """A session as `login()` leaves it, for `user`; returns the session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from unions.middleware import SESSION_STARTED_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_STARTED_KEY] = time.time()
    session.create()
    return session.session_key


def plan_users(count: int) -> list[dict]:
    """Virtual users: who they are, their session, and the URLs they may click."""
    from django.db.models import Count

    from candidates.models import Nomination, Person
    from classes.models import TrainingClass
    from unions.models import Role, UserProfile

    year = Nomination.objects.order_by("-year").values_list("year", flat=True).first()
    profiles = list(
        UserProfile.objects.filter(
            user__username__startswith="bench.", role__in=[Role.STAFF, Role.LEADERSHIP, Role.CHAIR]
        )
        .select_related("user")
        .order_by("role", "pk")
    )
    if not profiles:
        raise SystemExit("No bench accounts: run generate_scale_data first.")
    # Staff first (they do most of the work), then leadership and chairs, round robin.
    order = [p for p in profiles if p.role == Role.STAFF] + [p for p in profiles if p.role != Role.STAFF]
    chosen = [order[i % len(order)] for i in range(count)]
    samples: dict[int, dict] = {}
    users = []
    for profile in chosen:
        federation = profile.federation_id
        if federation not in samples:
            people = list(Person.objects.filter(federation=federation).values_list("pk", flat=True)[:200])
            nominations = list(
                Nomination.objects.filter(federation=federation, year=year).values_list("pk", flat=True)[:200]
            )
            classes = list(
                TrainingClass.objects.filter(federation=federation)
                .annotate(n=Count("enrollments"))
                .order_by("-year", "-n")
                .values_list("pk", flat=True)[:10]
            )
            names = list(
                Person.objects.filter(federation=federation).values_list("name_folded", flat=True).distinct()[:50]
            )
            samples[federation] = {"people": people, "nominations": nominations, "classes": classes, "names": names}
        sample = samples[federation]
        if profile.role == Role.CHAIR:
            own = Person.objects.filter(union=profile.union_id)
            sample = {
                **sample,
                "people": list(own.values_list("pk", flat=True)[:50]),
                "nominations": list(
                    Nomination.objects.filter(union=profile.union_id).values_list("pk", flat=True)[:50]
                ),
                "classes": [],
            }
        users.append(
            {
                "name": profile.user.username,
                "role": profile.role,
                "session": signed_in_session(profile.user),
                "year": year,
                **sample,
            }
        )
    return users


def actions_for(user: dict) -> list[tuple[str, int, callable]]:
    """(name, weight, url maker) of what this user clicks."""
    year = user["year"]
    rnd = random.Random(hash(user["name"]))

    def search():
        words = rnd.choice(user["names"] or ["nguyen van"]).split()
        return " ".join(words[-2:]).replace(" ", "+")

    actions = [
        ("dashboard", 10, lambda: "/"),
        (
            "nomination_list",
            14,
            lambda: (
                f"/candidates/?year={year}&status={rnd.choice(['nominated', 'enrolled', 'completed', 'introduced'])}"
            ),
        ),
        ("nomination_search", 12, lambda: f"/candidates/?q={search()}"),
        ("person_search", 8, lambda: f"/candidates/people/?q={search()}"),
        ("enterprise_list", 6, lambda: f"/unions/enterprises/?ownership={rnd.choice(['llc', 'fdi', 'jsc'])}"),
        ("union_list", 6, lambda: "/unions/"),
        ("report_quota_screen", 4, lambda: f"/reports/quota/?year={year}"),
        ("export_nominations", 3, lambda: f"/candidates/?year={year}&status=enrolled&export=xlsx"),
    ]
    if user["people"]:
        actions.append(("person_detail", 10, lambda: f"/candidates/people/{rnd.choice(user['people'])}/"))
    if user["nominations"]:
        actions.append(("nomination_detail", 10, lambda: f"/candidates/{rnd.choice(user['nominations'])}/"))
    if user["role"] == "staff":
        actions.append(("review_queue", 6, lambda: "/candidates/review/"))
        actions.append(("export_quota", 2, lambda: f"/reports/quota.xlsx?year={year}"))
    if user["classes"]:
        actions.append(("class_detail", 6, lambda: f"/classes/{rnd.choice(user['classes'])}/"))
    if user["role"] == "chair":
        actions = [a for a in actions if a[0] not in ("enterprise_list",)]
        actions.append(("export_roster", 2, lambda: f"/reports/roster.xlsx?year={year}"))
    return actions


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.count = 0

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.count += 1
            self.times[name].append(seconds * 1000)
            if not ok:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {detail}")


def virtual_user(user, port, cookie_name, deadline, stop, results, max_requests, think):
    rnd = random.Random(user["name"])
    actions = actions_for(user)
    weights = [a[1] for a in actions]
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    time.sleep(rnd.uniform(0, 3))  # users do not all arrive in the same second
    while time.monotonic() < deadline and not stop.is_set():
        if results.count >= max_requests:
            stop.set()
            break
        name, _, make = rnd.choices(actions, weights=weights)[0]
        url = make()
        started = time.perf_counter()
        ok, detail = True, ""
        headers = {"Cookie": f"{cookie_name}={user['session']}", "Host": HOST, "X-Forwarded-Proto": "https"}
        for attempt in (1, 2):
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    ok, detail = False, f"{response.status} {url}"
                elif name.startswith("export") and not body.startswith(b"PK"):
                    ok, detail = False, f"not an xlsx: {url}"
                break
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                # The server closes a kept-alive connection left idle while the user thinks;
                # a browser then simply opens a new one, and so do we, once.
                if attempt == 2 or not isinstance(
                    exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
                ):
                    ok, detail = False, f"{type(exc).__name__} {url}"
                    break
        results.add(name, time.perf_counter() - started, ok, detail)
        time.sleep(rnd.uniform(*think))  # think time
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer on /healthz")


def gunicorn_model(args) -> str:
    """What the server runs: gunicorn.conf.py's settings unless overridden on the command line."""
    defaults: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), defaults)  # noqa: S102
    workers = args.workers or defaults.get("workers", 1)
    threads = args.threads or defaults.get("threads", 1)
    worker_class = args.worker_class or defaults.get("worker_class", "sync")
    if worker_class == "gthread":
        return f"{workers} workers × {threads} threads, gthread"
    return f"{workers} workers, {worker_class}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="city")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds (at most 600)")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per process (default: gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="gthread or gevent (default: gunicorn.conf.py)")
    parser.add_argument("--think-min", type=float, default=2.0, help="seconds between a user's clicks, at least")
    parser.add_argument("--think-max", type=float, default=8.0, help="seconds between a user's clicks, at most")
    args = parser.parse_args()
    duration = min(args.duration, 600.0)

    setup_django()
    from django.conf import settings

    users = plan_users(args.users)
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": f"{HOST},localhost", "SECURE_SSL_REDIRECT": "0"}
    options = ["--bind", f"{HOST}:{port}", "--access-logfile", "/dev/null", "--log-level", "warning"]
    overrides = (("--workers", args.workers), ("--threads", args.threads), ("--worker-class", args.worker_class))
    for flag, value in overrides:
        if value:
            options += [flag, str(value)]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tienlang.wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            *options,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        model = gunicorn_model(args)
        print(
            f"Load test: {len(users)} users for {duration:.0f} s against gunicorn ({model}) on {HOST}:{port}, "
            f"tier {args.tier}, think time {args.think_min:g}–{args.think_max:g} s, "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        results = Results()
        stop = threading.Event()
        deadline = time.monotonic() + duration
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=virtual_user,
                args=(
                    user,
                    port,
                    settings.SESSION_COOKIE_NAME,
                    deadline,
                    stop,
                    results,
                    args.max_requests,
                    (args.think_min, args.think_max),
                ),
                daemon=True,
            )
            for user in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 120)
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    every = [t for values in results.times.values() for t in values]
    errors = sum(results.errors.values())
    print(f"\n{'page':22}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name in sorted(results.times):
        values = results.times[name]
        print(
            f"{name:22}{len(values):10d}{results.errors[name]:8d}{statistics.median(values):9.0f}"
            f"{percentile(values, 0.95):9.0f}{percentile(values, 0.99):9.0f}"
        )
    print(
        f"{'all':22}{len(every):10d}{errors:8d}{statistics.median(every):9.0f}"
        f"{percentile(every, 0.95):9.0f}{percentile(every, 0.99):9.0f}"
    )
    print(f"{len(every) / elapsed:.1f} requests/s over {elapsed:.0f} s")
    for sample in results.samples:
        print("  error:", sample)
    summary = {
        "tier": args.tier,
        "gunicorn": gunicorn_model(args),
        "load_average_end": round(os.getloadavg()[0], 2),
        "users": len(users),
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "errors": errors,
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "p99_ms": round(percentile(every, 0.99), 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
