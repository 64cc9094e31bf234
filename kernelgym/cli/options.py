"""The grading options that ``kernelgym eval``, ``check`` and ``bench`` share, and the grader configuration they
ask for."""
from __future__ import annotations

import argparse
import sys


def grader_options(parser: argparse.ArgumentParser) -> None:
    """Add the grading options (``--seeds``, ``--timeout``, ``--target``, ``--device``, ``--grading-seed``,
    ``--sanitize``)."""
    parser.add_argument("--seeds", type=int, default=2, help="seeds per test case (default 2)")
    parser.add_argument("--timeout", type=float, default=120.0, help="wall-clock seconds per phase (default 120)")
    parser.add_argument("--target", default="cuda:90", help="compile-check target, cuda:ARCH or hip:GFX "
                                                            "(default cuda:90)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                        help="where answers run: cuda, cpu (Triton interpreter), or auto: CUDA when available")
    parser.add_argument("--grading-seed", type=int, default=None, metavar="S",
                        help="derive every input seed from S (and the problem), so that the same answer gets the "
                             "same record: for published benchmark numbers, not for training (default: secret "
                             "seeds, new for every grading)")
    parser.add_argument("--sanitize", action="store_true",
                        help="on a GPU, also run each answer's smallest test case once under compute-sanitizer's "
                             "memcheck (an access error is out_of_bounds); without compute-sanitizer or a GPU, a "
                             "warning and nothing else")


def grader_config(args: argparse.Namespace):
    """The :class:`kernelgym.grader.GraderConfig` that :func:`grader_options`' values ask for.

    Raises:
        ValueError: ``--target`` is not ``cuda:ARCH`` or ``hip:GFX``, or the config refuses a value (its message
            names the field).
        SystemExit: ``--device cuda`` on a machine without a GPU (the reason is printed first).
    """
    from ..grader import GraderConfig

    target = parse_target(args.target)
    require_device(args.device)
    return GraderConfig(seeds=args.seeds, timeout_s=args.timeout, target=target, device=args.device,
                        seed=args.grading_seed, sanitize=args.sanitize)


def parse_target(text: str) -> tuple:
    """``--target``'s value as GraderConfig's ``(backend, arch, warp_size)``.

    >>> parse_target("cuda:90"), parse_target("hip:gfx942")
    (('cuda', 90, 32), ('hip', 'gfx942', 64))

    Raises:
        ValueError: Not ``cuda:ARCH`` (a number) or ``hip:GFX``.
    """
    backend, _, arch = text.partition(":")
    if backend not in ("cuda", "hip") or not arch or (backend == "cuda" and not arch.isdigit()):
        raise ValueError(f"--target must look like cuda:90 or hip:gfx942, not {text!r}")
    return ("cuda", int(arch), 32) if backend == "cuda" else ("hip", arch, 64)


def require_device(device: str) -> None:
    """Stop at once, with the reason, when ``--device cuda`` names a GPU this machine does not have."""
    from ..grader import NoCudaError, require_cuda

    try:
        require_cuda(device)
    except NoCudaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
