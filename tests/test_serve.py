"""``kernelgym serve``: environments served over OpenEnv, tested on real server processes on loopback."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("openenv.core", reason="needs the serve extra: pip install 'kernelgym[serve]'")

import httpx  # noqa: E402

import kernelgym  # noqa: E402
from kernelgym.envs.core import EpisodeError  # noqa: E402
from kernelgym.result import KernelResult  # noqa: E402
from kernelgym.serve.client import KernelGymClient, ServeError  # noqa: E402
from kernelgym.serve.models import KernelGymAction  # noqa: E402
from kernelgym.serve.process import ServerProcess  # noqa: E402

TOKEN = "test-token-1234"
KERNEL = "kernelgym/level1-relu-v0"
TEXT = "kernelgym/repeat-digit-v0"
SPEC = "kernelgym/data/examples/sentiment/spec.yaml"
MAX_CHARS = 20_000


@pytest.fixture(scope="module")
def server():
    with ServerProcess([KERNEL, f"{TEXT}?max_turns=2", SPEC], ["--max-action-chars", str(MAX_CHARS)],
                       token=TOKEN) as s:
        yield s


def sessions(server: ServerProcess, env_id: str) -> int:
    response = httpx.get(f"{server.url}/envs", headers={"Authorization": f"Bearer {TOKEN}"}, trust_env=False)
    return response.json()["envs"][env_id]["active_sessions"]


def wait_for_sessions(server: ServerProcess, env_id: str, count: int, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while (now := sessions(server, env_id)) != count and time.monotonic() < deadline:
        time.sleep(0.2)
    return now


def test_kernel_env_reference_answer_scores_as_locally(server):
    """A level-1 problem's reference solution earns 1.0 through the server, as it does in-process."""
    local = kernelgym.make(KERNEL)
    prompt, _ = local.reset(seed=0)
    completion = local.reference_answer(local.tasks()[0])
    _, local_reward, *_ = local.step(completion)

    env = kernelgym.make(KERNEL, url=server.url, token=TOKEN)
    try:
        remote_prompt, info = env.reset(seed=0)
        observation, reward, terminated, truncated, info = env.step(completion)
        state = env.state()
    finally:
        env.close()
    assert remote_prompt == prompt and info["task_id"] == local.tasks()[0].task_id
    assert reward == local_reward == 1.0
    assert (observation, terminated, truncated) == ("", True, False)
    assert isinstance(info["result"], KernelResult) and info["result"].correct
    assert info["components"]["correctness"] == 1.0
    assert (state.turn, state.done, state.env_id) == (1, True, KERNEL)


def test_text_env_reset_step_state(server):
    """A multi-turn text environment: the same prompts, rewards and feedback as in-process, and the state."""
    local = kernelgym.make(TEXT, max_turns=2)
    env = kernelgym.make(TEXT, url=server.url, token=TOKEN)
    try:
        assert env.reset(seed=5) == local.reset(seed=5)
        remote, expected = env.step("1"), local.step("1")
        assert remote[:4] == expected[:4]
        assert {k: v for k, v in remote[4].items() if k != "result"} == \
            {k: v for k, v in expected[4].items() if k != "result"}
        assert remote[3] is False and remote[0].startswith("Your answer was not correct")
        state = env.state()
        assert (state.task_id, state.turn, state.max_turns, state.done) == (remote[4]["task_id"], 1, 2, False)
        assert env.step("1")[3] is True  # the second attempt was the last
        with pytest.raises(EpisodeError):
            env.step("1")
    finally:
        env.close()


def test_spec_env_is_served_under_its_own_id(server):
    """An environment from a YAML spec is served under the id the spec gives it, graded as in-process."""
    local = kernelgym.make(SPEC)
    env = kernelgym.make(local.env_id, url=server.url, token=TOKEN)
    try:
        prompt, info = env.reset(seed=1)
        assert (prompt, info) == local.reset(seed=1)
        answer = local.reference_answer(local.task(info["task_id"]))
        remote, expected = env.step(answer), local.step(answer)
    finally:
        env.close()
    assert remote[1:4] == expected[1:4] and remote[1] == 1.0
    assert remote[4]["components"] == expected[4]["components"]


def test_concurrent_sessions_each_run_their_own_episode(server):
    """Eight sessions at once, kernel and text: each gets its own task and the reward it would get locally."""
    local = kernelgym.make(TEXT, max_turns=2)

    def text_episode(seed: int):
        env = kernelgym.make(TEXT, url=server.url, token=TOKEN)
        try:
            prompt, info = env.reset(seed=seed)
            answer = local.reference_answer(local.task(info["task_id"]))
            return prompt, env.step(answer)[1]
        finally:
            env.close()

    def kernel_episode(_):
        env = kernelgym.make(KERNEL, url=server.url, token=TOKEN)
        try:
            env.reset(seed=0)
            return env.step(local_kernel.reference_answer(local_kernel.tasks()[0]))[1]
        finally:
            env.close()

    local_kernel = kernelgym.make(KERNEL)
    with ThreadPoolExecutor(8) as pool:
        kernels = [pool.submit(kernel_episode, i) for i in range(2)]
        texts = list(pool.map(text_episode, range(6)))
    assert [k.result() for k in kernels] == [1.0, 1.0]
    assert [prompt for prompt, _ in texts] == [local.reset(seed=seed)[0] for seed in range(6)]
    assert [reward for _, reward in texts] == [1.0] * 6
    assert wait_for_sessions(server, TEXT, 0) == 0


def test_bad_token_is_refused(server):
    env = kernelgym.make(TEXT, url=server.url, token="wrong")
    with pytest.raises(ServeError, match="token"):
        env.reset()
    no_token = httpx.get(f"{server.url}/envs", trust_env=False)
    assert no_token.status_code == 401


def test_unknown_id_is_refused_with_the_served_ids(server):
    env = kernelgym.make("kernelgym/level1-nope-v0", url=server.url, token=TOKEN)
    with pytest.raises(ServeError, match=f"does not serve .*{TEXT}"):
        env.reset()


def test_bad_reset_argument_is_refused(server):
    client = KernelGymClient(server.url, TEXT, token=TOKEN).sync()
    try:
        with pytest.raises(ServeError, match="reset takes seed, task_id and episode_id, not difficulty"):
            client.reset(difficulty=3)
        with pytest.raises(ServeError, match="seed must be an integer"):
            client.reset(seed="7")
    finally:
        client.close()


def test_oversized_action_is_refused(server):
    """A completion over the limit is refused with the limit in the message, and the session goes on; a message
    far over it is cut off by the transport before it is read."""
    env = kernelgym.make(TEXT, url=server.url, token=TOKEN)
    try:
        env.reset(seed=0)
        with pytest.raises(ServeError, match=f"accepts at most {MAX_CHARS}"):
            env.step("7" * (MAX_CHARS + 1))
        assert env.step("7")[4]["turn"] == 1  # the refused attempt did not count
        env.reset(seed=0)
        with pytest.raises(ServeError, match="message too big"):
            env.step("7" * (6 * MAX_CHARS + 70_000))
    finally:
        env.close()


def test_completion_that_is_not_unicode_is_refused(server):
    """JSON can carry a lone surrogate, which no model's text holds: refused at the door, the session goes on."""
    env = kernelgym.make(KERNEL, url=server.url, token=TOKEN)
    try:
        env.reset(seed=0)
        with pytest.raises(ServeError, match="not valid Unicode: surrogates not allowed at character 3"):
            env.step("abc\ud800")
        assert env.state().turn == 0
    finally:
        env.close()


def test_openenv_client_plays_an_episode(server):
    """OpenEnv's own client (``EnvClient``, through ``KernelGymClient.sync()``) speaks the server's session protocol:
    reset, step with a typed action, state."""
    local = kernelgym.make(TEXT, max_turns=2)
    client = KernelGymClient(server.url, TEXT, token=TOKEN).sync()
    try:
        reset = client.reset(seed=3)
        answer = local.reference_answer(local.task(reset.observation.task_id))
        step = client.step(KernelGymAction(completion=answer))
        state = client.state()
    finally:
        client.close()
    assert reset.observation.prompt == local.reset(seed=3)[0] and reset.done is False
    assert (step.reward, step.done, step.observation.terminated) == (1.0, True, True)
    assert (state.turn, state.done) == (1, True)


@pytest.mark.parametrize("message, code", [
    ("{not json", "INVALID_JSON"),
    ('{"type": "dance"}', "UNKNOWN_TYPE"),
    ("[1, 2]", "UNKNOWN_TYPE"),
    ('{"type": "step"}', "VALIDATION_ERROR"),
    ('{"type": "state", "extra": 1}', "VALIDATION_ERROR"),
    ('{"type": "reset", "data": [1]}', "VALIDATION_ERROR"),
    ('{"type": "step", "data": {"completion": 7}}', "VALIDATION_ERROR"),
    ('{"type": "step", "data": {"completion": "7", "extra": 1}}', "VALIDATION_ERROR"),
    ('{"type": "step", "data": {"completion": "7"}}', "EXECUTION_ERROR"),  # before reset
])
def test_malformed_message_gets_openenv_error_code_and_the_session_goes_on(server, message, code):
    from websockets.sync.client import connect

    url = server.url.replace("http://", "ws://") + f"/{TEXT}/ws"
    with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}, proxy=None) as ws:
        ws.send(message)
        reply = json.loads(ws.recv(timeout=30))
        ws.send(json.dumps({"type": "state"}))
        state = json.loads(ws.recv(timeout=30))
    assert (reply["type"], reply["data"]["code"]) == ("error", code)
    assert state["type"] == "state" and state["data"]["done"] is True


def test_session_cut_off_by_the_transport_is_opened_again(server):
    """After the server closed a session (a message over its size limit), the next reset opens a new one."""
    env = kernelgym.make(TEXT, url=server.url, token=TOKEN)
    try:
        env.reset(seed=0)
        with pytest.raises(ServeError, match="message too big"):
            env.step("7" * (6 * MAX_CHARS + 70_000))
        prompt, _ = env.reset(seed=1)
    finally:
        env.close()
    assert prompt == kernelgym.make(TEXT, max_turns=2).reset(seed=1)[0]


KILLED_CLIENT = """
import sys, time, kernelgym
env = kernelgym.make(sys.argv[1], url=sys.argv[2], token=sys.argv[3])
env.reset(seed=0)
print("ready", flush=True)
time.sleep(600)
"""


def test_killed_client_session_is_reaped(server):
    """A client process killed mid-episode leaves no session behind."""
    before = sessions(server, TEXT)
    client = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, TEXT, server.url, TOKEN], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert client.stdout.readline().strip() == "ready"
        assert sessions(server, TEXT) == before + 1
    finally:
        client.kill()
        client.wait()
    assert wait_for_sessions(server, TEXT, before) == before


def test_sessions_over_the_limit_are_refused_and_idle_ones_reaped():
    """With --max-sessions 1 a second session is refused; a session that sends nothing for longer than
    --idle-timeout is closed, and says so when used again."""
    with ServerProcess([TEXT], ["--idle-timeout", "1", "--max-sessions", "1"]) as idle_server:
        env = kernelgym.make(TEXT, url=idle_server.url)
        try:
            env.reset(seed=0)
            assert sessions_of(idle_server) == 1
            second = kernelgym.make(TEXT, url=idle_server.url)
            with pytest.raises(ServeError, match="CAPACITY_REACHED"):
                second.reset(seed=0)
            second.close()
            assert wait_for(lambda: sessions_of(idle_server) == 0, timeout_s=20.0)
            with pytest.raises(ServeError, match="closed"):
                env.reset(seed=0)
        finally:
            env.close()


def test_client_silent_between_requests_keeps_its_session():
    """A client that sends nothing for longer than the server's ping interval (a model generating between reset and
    step) but less than --idle-timeout keeps its session: RemoteEnv answers the pings at its next request."""
    with ServerProcess([TEXT], ["--idle-timeout", "6"]) as quiet_server:  # pings every 3 s
        env = kernelgym.make(TEXT, url=quiet_server.url)
        try:
            env.reset(seed=0)
            time.sleep(4.5)
            assert env.step("7")[4]["turn"] == 1
        finally:
            env.close()


def sessions_of(server: ServerProcess) -> int:
    return httpx.get(f"{server.url}/envs", trust_env=False).json()["envs"][TEXT]["active_sessions"]


def wait_for(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.parametrize("arguments, message", [
    (["kernelgym/nope-v0"], "no environment 'kernelgym/nope-v0'"),
    ([f"{TEXT}?colour=blue"], "takes no argument 'colour'"),
    ([TEXT, "--host", "0.0.0.0"], "needs a token"),
])
def test_bad_id_or_argument_stops_the_server_with_the_reason(arguments, message):
    done = subprocess.run([sys.executable, "-m", "kernelgym.cli", "serve", *arguments, "--port", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr


def test_make_with_url_refuses_environment_arguments():
    """A served environment's arguments are the server's: make() says where they go instead of dropping them."""
    with pytest.raises(TypeError, match=r"kernelgym serve 'kernelgym/countdown-v0\?KEY=VALUE'"):
        kernelgym.make("kernelgym/countdown-v0", url="http://127.0.0.1:9", difficulty=2)
    with pytest.raises(TypeError, match="token= goes with url="):
        kernelgym.make("kernelgym/countdown-v0", token="t")


def test_unreachable_server_is_a_clear_error():
    env = kernelgym.make(TEXT, url="http://127.0.0.1:9")
    with pytest.raises(ServeError, match="cannot reach http://127.0.0.1:9"):
        env.reset()
