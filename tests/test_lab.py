"""`make lab` serves the notebooks, as root too (JupyterLab refuses root without --allow-root)."""

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_lab_starts_and_serves_the_notebooks():
    port, token = free_port(), "gan-course-test"
    arguments = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={arguments}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        listing, deadline = None, time.monotonic() + 120
        while listing is None and time.monotonic() < deadline and server.poll() is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(1)
        if listing is None:
            server.terminate()
            raise AssertionError(f"make lab did not serve (as uid {os.getuid()}):\n{server.communicate(timeout=30)[0]}")
        served = {item["name"] for item in listing["content"]}
        assert {path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= served
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
