"""The openai policy against a real OpenAI-compatible server: ``transformers serve`` started by the test on
127.0.0.1, serving a tiny Llama built locally (no download). The tiny model writes garbage, so what is tested is
the plumbing: n completions per prompt come back from the server, the bench grades them (format failures),
retries are bounded and end in a clear error, timeouts are enforced, client errors are not retried."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import PROBLEMS
from kernelgym.bench.policies import OpenAIPolicy, PolicyError, Prompt, Sampling, prompt_for
from kernelgym.cli import main
from test_policies import build_tiny_llama

pytest.importorskip("fastapi", reason="transformers serve needs the bench extra (pip install -e '.[bench]')")
pytest.importorskip("uvicorn", reason="transformers serve needs the bench extra (pip install -e '.[bench]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingProxy:
    """A TCP relay on 127.0.0.1 in front of the server that counts the chat requests passing through it."""

    MARKER = b"POST /v1/chat/completions"

    def __init__(self, upstream_port: int):
        self.upstream_port, self.count = upstream_port, 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source, target, count: bool) -> None:
        try:
            while data := source.recv(65536):
                if count:
                    self.count += data.count(self.MARKER)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._listener.close()


class Server:
    """A ``transformers serve`` process and its log."""

    def __init__(self, model, log):
        self.model, self.log_path, self.port = str(model), log, _free_port()
        self.proxy = CountingProxy(self.port)
        self.base_url = f"http://127.0.0.1:{self.proxy.port}/v1"
        # transformers' own `transformers serve` command, run by this interpreter
        command = [sys.executable, "-c", "from transformers.cli.transformers import main; main()", "serve",
                   self.model, "--host", "127.0.0.1", "--port", str(self.port), "--device", "cpu"]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self._log = open(log, "w")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)

    def wait_ready(self, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"transformers serve exited ({self.process.returncode}):\n{self.text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"transformers serve was not ready in {timeout:.0f} s:\n{self.text()[-3000:]}")

    def text(self) -> str:
        self._log.flush()
        return open(self.log_path).read()

    def requests(self) -> int:
        """Chat requests that reached the server so far, counted on the wire by the proxy in front of it (the
        server's own log has no line for a request whose client gave up)."""
        return self.proxy.count

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.proxy.close()
        self._log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    model = build_tiny_llama(root / "tiny-llama")
    srv = Server(model, root / "server.log")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def prompts():
    from kernelgym.problem import load_problem

    return [prompt_for(load_problem(PROBLEMS / "level1" / f"{n}.py")) for n in ("01_vector_add", "02_relu")]


def _wait_for_requests(server, at_least, timeout=10.0) -> int:
    deadline = time.monotonic() + timeout
    while server.requests() < at_least and time.monotonic() < deadline:
        time.sleep(0.1)
    return server.requests()


def test_server_is_bound_to_loopback_only(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    assert "127.0.0.1" in server.text()


def test_policy_returns_n_completions_per_prompt_from_the_server(server, prompts):
    policy = OpenAIPolicy(server.model, Sampling(max_tokens=8, seed=3), base_url=server.base_url, concurrency=3)
    before = server.requests()
    out = policy.generate(prompts, [0, 1, 2])
    assert [len(texts) for texts in out] == [3, 3]
    assert all(isinstance(t, str) and t for texts in out for t in texts)
    assert _wait_for_requests(server, before + 6) - before == 6, "one request per sample, all served"
    assert policy.generate(prompts[:1], [1]) == [[out[0][1]]], "sample i is sent with seed + i"


def test_bench_grades_the_servers_completions(server, tmp_path, capsys):
    suite = tmp_path / "suite" / "level1"
    suite.mkdir(parents=True)
    for name in ("01_vector_add.py", "02_relu.py"):
        (suite / name).write_text((PROBLEMS / "level1" / name).read_text())
    out = tmp_path / "run"
    code = main(["bench", "--policy", f"openai:{server.model}", "--base-url", server.base_url, "--problems",
                 str(suite.parent), "--samples", "2", "--max-tokens", "16", "--seed", "0", "--out", str(out),
                 "--no-progress"])
    assert code == 0, capsys.readouterr().err
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted((r["problem"], r["sample"]) for r in rows) == [(p, i) for p in ("01_vector_add", "02_relu")
                                                                 for i in range(2)]
    for row in rows:
        assert row["record"]["failure"] == "format" and not row["record"]["format_ok"]
        assert row["timings"]["generate_s"] > 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["format_rate"] == 0.0 and metrics["pass@1"] == 0.0 and metrics["pass@2"] == 0.0
    run = json.loads((out / "run.json").read_text())
    assert run["policy"] == f"openai:{server.model}" and run["sampling"]["max_tokens"] == 16


def test_a_wrong_port_fails_clearly_after_bounded_retries(prompts):
    port = _free_port()  # nothing listens there
    policy = OpenAIPolicy("tiny", Sampling(max_tokens=4), base_url=f"http://127.0.0.1:{port}/v1", retries=2,
                          backoff_s=0.05, timeout_s=5)
    started = time.monotonic()
    with pytest.raises(PolicyError, match=r"APIConnectionError after 3 attempt\(s\)") as error:
        policy.generate(prompts[:1], 1)
    assert f"127.0.0.1:{port}" in str(error.value)
    assert time.monotonic() - started < 30


def test_a_request_past_its_timeout_is_retried_then_reported(server, prompts):
    policy = OpenAIPolicy(server.model, Sampling(max_tokens=64), base_url=server.base_url, retries=1,
                          backoff_s=0.05, timeout_s=0.05)
    before = server.requests()
    with pytest.raises(PolicyError, match=r"APITimeoutError after 2 attempt\(s\)"):
        policy.generate(prompts[:1], 1)
    assert _wait_for_requests(server, before + 2) - before == 2, "the first attempt and one retry reached it"


def test_a_client_error_is_not_retried(server, prompts):
    policy = OpenAIPolicy("no/such-model", Sampling(max_tokens=4), base_url=server.base_url, retries=3,
                          backoff_s=0.05)
    before = server.text().count("POST /v1/chat/completions")
    with pytest.raises(PolicyError, match=r"refused the request \(4\d\d\)"):
        policy.generate([Prompt("p", "hello")], 1)
    time.sleep(0.5)
    assert server.text().count("POST /v1/chat/completions") - before == 1


def test_bench_reports_an_unreachable_server_and_keeps_nothing_half_done(tmp_path, capsys):
    suite = tmp_path / "suite" / "level1"
    suite.mkdir(parents=True)
    (suite / "02_relu.py").write_text((PROBLEMS / "level1" / "02_relu.py").read_text())
    code = main(["bench", "--policy", "openai:tiny", "--base-url", f"http://127.0.0.1:{_free_port()}/v1",
                 "--retries", "1", "--problems", str(suite.parent), "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 2
    assert "APIConnectionError after 2 attempt(s)" in capsys.readouterr().err
    assert not (tmp_path / "run" / "results.jsonl").exists()
