"""A ``kernelgym serve`` process started from Python (tests, benchmarks, notebooks): start, wait for its URL, stop."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path


class ServerProcess:
    """``kernelgym serve ENVS --port 0 ...`` in a child process; a context manager.

    Args:
        envs: The ``ID[?KEY=VALUE&...]`` arguments.
        options: More command-line options (``--max-action-chars``, ``--idle-timeout``, ...).
        token: The bearer token (passed in the environment, not on the command line).
        start_timeout_s: How long to wait for the port to open (making and warming the environments).

    Attributes:
        url: ``http://127.0.0.1:PORT`` once started.
        process: The ``subprocess.Popen``.
    """

    def __init__(self, envs: list[str], options: list[str] = (), token: str | None = None,
                 start_timeout_s: float = 180.0):
        self.envs, self.options, self.token = list(envs), list(options), token
        self.start_timeout_s = start_timeout_s
        self.url = ""
        self.process: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []

    def start(self) -> "ServerProcess":
        """Start the server and wait for the line that gives its URL.

        Raises:
            RuntimeError: The server exited or did not open its port in time (the message holds its output).
        """
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("KERNELGYM_SERVE_TOKEN", None)
        if self.token:
            env["KERNELGYM_SERVE_TOKEN"] = self.token
        command = [sys.executable, "-m", "kernelgym.cli", "serve", *self.envs, "--port", "0", *self.options]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=env, cwd=Path.cwd(), start_new_session=True)
        threading.Thread(target=self._pump, daemon=True).start()
        while True:
            try:
                line = self._lines.get(timeout=self.start_timeout_s)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"kernelgym serve did not start in {self.start_timeout_s:g} s:\n"
                                   + "".join(self.output)) from None
            if line is None:
                raise RuntimeError(f"kernelgym serve exited with {self.process.wait()}:\n" + "".join(self.output))
            if line.startswith("kernelgym serve:") and " on http" in line:
                self.url = line.rsplit(" on ", 1)[1].strip()
                return self

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the server (SIGTERM to its process group, then SIGKILL), with its sandbox pool."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
