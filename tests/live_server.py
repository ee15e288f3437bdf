"""Helpers for tests that run real servers: a free port on 127.0.0.1, and waiting for `/readyz`."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx
import pytest

READY_SECONDS = 120
"""How long a server may take to answer `/readyz` (a loaded CI machine can take a while to import the app)."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Return once the server at `base` answers `/readyz` with 200; fail if it exits or takes too long."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not become ready in {READY_SECONDS} s")
