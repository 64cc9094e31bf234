"""Code written for a GPU runs on CPU as it would on one: answers under Triton's interpreter, and problem files.

Models write Triton answers for a GPU: ``assert x.is_cuda``, ``torch.empty(n, device="cuda")``, ``.cuda()``,
``torch.cuda.synchronize()``, a stream context. On a CPU machine each of those would fail ("Torch not compiled
with CUDA enabled") and an answer that is right on a GPU would be graded wrong. Two pieces make them work:

- :func:`cpu_placement`: a torch function mode under which every device named ``cuda`` means the CPU
  (``device=`` arguments, ``.to(...)``, ``.cuda()``). The grader builds a problem's inputs and reference under it
  when it grades on CPU, so a problem file that calls ``.cuda()`` loads too.
- :func:`gpu_view`: the same mode, and in addition the answer's own code (only its file, not the libraries it
  calls) sees its tensors as CUDA tensors: ``is_cuda`` is True, ``device`` is ``cuda:0``, ``get_device()`` is 0.
  :func:`install_cuda_api` turns the ``torch.cuda`` functions an answer calls into what they mean for one
  in-order device: ``synchronize``, streams and events as ordering no-ops, one device of the compile target's
  capability. Installed in the interpreter child only, before the answer loads.

Nothing here changes what a kernel computes or what the hack checks see: the op trace, the launch counter and the
no-op ablation work below these functions, and the compile check still builds for the real GPU target.
"""
from __future__ import annotations

import contextlib
import sys

_CUDA = "cuda"


def _is_cuda(device) -> bool:
    """Whether ``device`` (a ``torch.device``, a string, or an int, which torch reads as a CUDA index) is CUDA."""
    import torch

    if isinstance(device, torch.device):
        return device.type == _CUDA
    if isinstance(device, str):
        return device.split(":")[0] == _CUDA
    return type(device) is int


def _on_cpu(device):
    return "cpu" if _is_cuda(device) else device


def _make_mode(answer_path: str | None):
    import torch
    from torch.overrides import TorchFunctionMode

    tensor = torch.Tensor
    is_cuda_get, device_get = tensor.is_cuda.__get__, tensor.device.__get__
    cuda_device = torch.device(_CUDA, 0)
    getframe = sys._getframe

    def answer_asks() -> bool:
        return answer_path is not None and getframe(2).f_code.co_filename == answer_path

    class CudaMeansCpu(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = dict(kwargs or {})
            if func is tensor.cuda:
                return args[0]  # already "on the GPU": a GPU returns the tensor itself
            if func == is_cuda_get and answer_asks():  # a new method-wrapper on every access: compare by ==
                return True
            if func == device_get and answer_asks():
                return cuda_device
            if func is tensor.get_device and answer_asks():
                return 0
            if "device" in kwargs:
                kwargs["device"] = _on_cpu(kwargs["device"])
            if func is tensor.to:
                args = tuple(_on_cpu(a) if isinstance(a, (str, torch.device)) else a for a in args)
            return func(*args, **kwargs)

    return CudaMeansCpu()


def cpu_placement():
    """A context under which ``cuda`` devices mean the CPU (for the grader's own use of a problem file)."""
    return _make_mode(None)


def gpu_view(answer_path: str):
    """A context for an answer's import and calls: ``cuda`` means the CPU, and the answer's own code sees CUDA
    tensors."""
    return _make_mode(answer_path)


class _Stream:
    """A stream of the one in-order device: work is done when it is queued."""

    def __init__(self, *args, **kwargs):
        self.device = None

    def synchronize(self) -> None:
        pass

    def wait_stream(self, other) -> None:
        pass

    def wait_event(self, event) -> None:
        pass

    def record_event(self, event=None):
        return event

    def query(self) -> bool:
        return True


def install_cuda_api(capability: tuple[int, int] = (9, 0)) -> None:
    """Give ``torch.cuda`` the functions an answer calls, as they behave on one in-order device; call before the
    answer loads, in the interpreter child only."""
    import torch

    cuda = torch.cuda
    default = _Stream()
    values = {
        "is_available": lambda: True,
        "device_count": lambda: 1,
        "current_device": lambda: 0,
        "set_device": lambda device: None,
        "synchronize": lambda device=None: None,
        "current_stream": lambda device=None: default,
        "default_stream": lambda device=None: default,
        "Stream": _Stream,
        "stream": lambda stream=None: contextlib.nullcontext(stream),
        "device": lambda device=None: contextlib.nullcontext(),
        "get_device_capability": lambda device=None: capability,
        "get_device_name": lambda device=None: "CUDA device (Triton interpreter on CPU)",
    }
    for name, value in values.items():
        setattr(cuda, name, value)
