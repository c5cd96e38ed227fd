"""Waiting for a server that a test started (gunicorn, runserver) without guessing how busy the machine is."""

from __future__ import annotations

import http.client
import subprocess
import time
import urllib.error
import urllib.request

# A shared two-core machine can take a long while to start a server; a test waits this long
# before it says the server never answered.
DEADLINE_SECONDS = 60
PAUSE_SECONDS = 0.5


def stop(server: subprocess.Popen) -> str:
    """Stop the server (its whole process group has its own session) and return what it printed."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.stdout.read().decode(errors="replace") if server.stdout else ""


def wait_for(url: str, server: subprocess.Popen, deadline: float = DEADLINE_SECONDS) -> bytes:
    """The body of the first successful answer from `url`.

    Every kind of failure to connect or to read (refused, reset, a read timeout, a half-written
    answer) is retried until the deadline; then the server is stopped and the assertion shows
    what it printed.
    """
    last_error: BaseException | None = None
    # Counted in pauses, not read off the clock (each try also waits up to its own timeout).
    for _attempt in range(int(deadline / PAUSE_SECONDS)):
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except (OSError, http.client.HTTPException, urllib.error.URLError) as error:
            last_error = error
            time.sleep(PAUSE_SECONDS)
    output = stop(server)
    raise AssertionError(
        f"{url} did not answer within {deadline:.0f} s (last error: {last_error!r}); the server printed:\n{output}"
    )
