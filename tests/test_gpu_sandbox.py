"""The GPU child's sandbox policy, checked on CPU by applying it in a forked child (no GPU needed): Unix sockets
only, no host socket file in sight, host memory capped without an address-space limit, and commands that ask for
a GPU this machine lacks stop at once."""
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile

import pytest

from kernelgym.sandbox import child, isolation
from kernelgym.sandbox.isolation import Limits

SECCOMP = pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"),
                             reason="the seccomp filter covers x86_64 and aarch64 Linux")
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and cgroups need root here")


def _in_child(work) -> dict:
    """Run ``work(channel_fd)`` in a forked child; return the dict it sends back."""
    peer, channel = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the forked child)
        try:
            report = work(channel.fileno())
        except BaseException as exc:
            report = {"raised": f"{type(exc).__name__}: {exc}"}
        channel.sendall(json.dumps(report).encode())
        os._exit(0)
    channel.close()
    peer.settimeout(30)
    data = peer.recv(1 << 16)
    os.waitpid(pid, 0)
    return json.loads(data)


def _errno_of(call) -> int:
    try:
        call()
    except OSError as exc:
        return exc.errno
    return 0


@SECCOMP
def test_gpu_filter_allows_unix_sockets_and_refuses_every_other_family():
    def work(channel):
        assert isolation.install_seccomp(channel, allow_exec=True, unix_sockets=True)
        return {name: _errno_of(lambda: socket.socket(family, kind).close()) for name, family, kind in [
            ("unix", socket.AF_UNIX, socket.SOCK_STREAM), ("unix_dgram", socket.AF_UNIX, socket.SOCK_DGRAM),
            ("inet", socket.AF_INET, socket.SOCK_STREAM), ("inet6", socket.AF_INET6, socket.SOCK_DGRAM),
            ("netlink", socket.AF_NETLINK, socket.SOCK_RAW), ("packet", socket.AF_PACKET, socket.SOCK_RAW)]}

    assert _in_child(work) == {"unix": 0, "unix_dgram": 0, "inet": 1, "inet6": 1, "netlink": 1, "packet": 1}


@SECCOMP
def test_cpu_filter_still_refuses_unix_sockets():
    def work(channel):
        assert isolation.install_seccomp(channel, allow_exec=False)
        return {"unix": _errno_of(lambda: socket.socket(socket.AF_UNIX).close())}

    assert _in_child(work) == {"unix": 1}


def _gpu_job(workdir: str) -> child.Job:
    return child.Job(kind="probe", source="", workdir=workdir, secret="", limits=Limits(), device="cuda",
                     cgroup=f"kernelgym-test-{os.getpid()}-{os.urandom(4).hex()}")


@ROOT_ONLY
@SECCOMP
def test_a_gpu_child_cannot_reach_a_listening_socket_file_of_the_host():
    """A host daemon's socket (here one in the temp folder, and one in /run where it exists) is out of sight."""
    paths = [os.path.join(tempfile.mkdtemp(prefix="kernelgym-host-"), "daemon.sock")]
    if os.path.isdir("/run") and os.access("/run", os.W_OK):
        paths.append(f"/run/kernelgym-test-{os.getpid()}.sock")
    listeners = []
    for path in paths:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path)
        listener.listen(1)
        listeners.append(listener)
    probe = socket.socket(socket.AF_UNIX)
    probe.connect(paths[0])  # reachable from the grader's side
    probe.close()
    workdir = tempfile.mkdtemp(prefix="kernelgym-")
    job = _gpu_job(workdir)

    def work(channel):
        layers = child._confine(job, keep={channel}, in_pid_namespace=False)
        results = {}
        for path in paths:
            s = socket.socket(socket.AF_UNIX)
            results[path] = _errno_of(lambda: s.connect(path))
            s.close()
        return {"layers": layers, "connect": results}

    try:
        report = _in_child(work)
    finally:
        for listener, path in zip(listeners, paths):
            listener.close()
            os.unlink(path)
    assert "socket_directories_hidden" in report["layers"] and "seccomp" in report["layers"]
    assert set(report["connect"].values()) == {2}  # ENOENT: no such file in the child's view


@ROOT_ONLY
def test_a_gpu_child_caps_host_memory_without_an_address_space_limit():
    """An address-space limit stops CUDA (its device mappings count), so a GPU child has none; its host memory is
    capped by the memory cgroup or RLIMIT_DATA instead, and a host allocation past the cap fails."""
    workdir = tempfile.mkdtemp(prefix="kernelgym-")
    job = _gpu_job(workdir)

    def work(channel):
        layers = child._confine(job, keep={channel}, in_pid_namespace=False)
        report = {"layers": layers, "as_unlimited": resource.getrlimit(resource.RLIMIT_AS)[0] ==
                  resource.RLIM_INFINITY}
        if "memory_cgroup" not in layers:  # RLIMIT_DATA: the allocation fails in this process
            try:
                bytearray(3 * 2**30)
                report["big_allocation"] = "succeeded"
            except MemoryError:
                report["big_allocation"] = "refused"
        return report

    report = _in_child(work)
    assert report["as_unlimited"] and "rlimit_address_space" not in report["layers"]
    assert "memory_cgroup" in report["layers"] or ("rlimit_data" in report["layers"]
                                                   and report["big_allocation"] == "refused")


@ROOT_ONLY
def test_a_cpu_child_keeps_the_address_space_limit():
    workdir = tempfile.mkdtemp(prefix="kernelgym-")
    job = child.Job(kind="probe", source="", workdir=workdir, secret="", limits=Limits(), device="cpu")

    def work(channel):
        layers = child._confine(job, keep={channel}, in_pid_namespace=False)
        return {"layers": layers, "as": resource.getrlimit(resource.RLIMIT_AS)[0]}

    report = _in_child(work)
    assert "rlimit_address_space" in report["layers"] and report["as"] != resource.RLIM_INFINITY


def test_rlimit_nproc_counts_from_the_users_current_tasks():
    """Without a pids cgroup, RLIMIT_NPROC (which binds root once capabilities are gone) is set on top of the
    user's tasks system-wide, so a busy machine does not make every fork of the child fail."""
    def work(channel):
        isolation.apply_limits(Limits(processes=7), cap_processes=True, memory="none", user_tasks=500)
        return {"nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0]}

    assert _in_child(work)["nproc"] == 500 + isolation.NPROC_HEADROOM * 7
    assert isolation.count_user_tasks() >= 1


def _no_cuda() -> bool:
    import torch

    return not torch.cuda.is_available()


@pytest.mark.skipif(not _no_cuda(), reason="this machine has a GPU")
@pytest.mark.parametrize("command", [
    ["eval", "problems/level1/01_vector_add.py", "problems/level1/01_vector_add_solution.py"],
    ["check", "problems/level1/01_vector_add.py"],
    ["bench", "--policy", "reference", "--problems", "problems", "--out", "{tmp}/run"],
    ["doctor"],
])
def test_device_cuda_without_a_gpu_stops_at_once_with_the_reason(command, tmp_path):
    command = [part.replace("{tmp}", str(tmp_path)) for part in command]
    done = subprocess.run([sys.executable, "-m", "kernelgym.cli", *command, "--device", "cuda"],
                          capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 2
    assert "--device cuda: no CUDA GPU is visible here" in done.stderr and done.stdout == ""
    assert not (tmp_path / "run").exists()


def test_doctor_reports_the_cpu_path_and_its_layers():
    from kernelgym.cli.doctor import render
    from kernelgym.doctor import run_doctor

    report = run_doctor("cpu")
    assert report.ok, render(report)
    names = [check.name for check in report.checks]
    assert any("interpreter" in name for name in names) and any("compile check" in name for name in names)
    assert {"seccomp", "rlimits", "audit_hook"} <= set(report.layers["cpu"])
    assert set(report.missing["cpu"]).isdisjoint(report.layers["cpu"])
    if os.geteuid() == 0:
        assert "socket_directories_hidden" in report.layers["cpu"]


def test_doctor_json_is_one_object_with_the_verdict():
    done = subprocess.run([sys.executable, "-m", "kernelgym.cli", "doctor", "--device", "cpu", "--json"],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"] is True, done.stdout[-2000:]
    assert report["machine"]["cuda_visible"] in (True, False) and report["layers"]["cpu"]


@ROOT_ONLY
def test_what_a_child_needs_inside_a_socket_directory_stays_in_sight():
    """A checkout or a Python installation under /tmp is bound back into the child's empty /tmp (a clone under
    /tmp once lost every grading); what else /tmp holds stays out of sight."""
    needed = tempfile.mkdtemp(prefix="kernelgym-needed-", dir="/tmp")
    with open(os.path.join(needed, "module.py"), "w") as f:
        f.write("VALUE = 1\n")
    other = tempfile.mkdtemp(prefix="kernelgym-other-", dir="/tmp")
    workdir = tempfile.mkdtemp(prefix="kernelgym-")

    def work(channel):
        real = isolation._needed_paths
        isolation._needed_paths = lambda keep=(): real(keep) + [needed]
        layers = isolation.read_only_filesystem(workdir, 16)
        return {"layers": layers, "needed": os.path.exists(os.path.join(needed, "module.py")),
                "other": os.path.exists(other), "workdir_writable": os.access(workdir, os.W_OK),
                "needed_writable": os.access(needed, os.W_OK)}

    report = _in_child(work)
    assert "socket_directories_hidden" in report["layers"] and "disk_quota" in report["layers"]
    assert report["needed"] and not report["other"]
    assert report["workdir_writable"] and not report["needed_writable"]


def test_packages_of_the_base_python_count_as_libraries_inside_a_virtual_environment(tmp_path):
    """A venv made with --system-site-packages imports torch from the base installation, under the standard
    library's directory: the audit hook must see torch as a library, not look through it to blame the answer for
    what torch does (``torch.manual_seed`` reads a frame)."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(tmp_path / "env")],
                   check=True)
    probe = ("import importlib.util, sys; from kernelgym.sandbox import audit; "
             "torch = importlib.util.find_spec('torch').origin; "
             "print(sys.prefix != sys.base_prefix, any(torch.startswith(d + '/') for d in audit.site_dirs()))")
    out = subprocess.run([str(tmp_path / "env" / "bin" / "python"), "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True"]
