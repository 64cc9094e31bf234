"""The grading options that ``kernelgym eval``, ``check`` and ``bench`` share, and the grader configuration they
ask for."""
from __future__ import annotations

import argparse
import sys


def grader_options(parser: argparse.ArgumentParser) -> None:
    """Add the grading options (``--seeds``, ``--timeout``, ``--target``, ``--device``, ``--grading-seed``)."""
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


def grader_config(args: argparse.Namespace):
    """The :class:`kernelgym.grader.GraderConfig` that :func:`grader_options`' values ask for."""
    from .grader import GraderConfig

    backend, _, arch = args.target.partition(":")
    if backend not in ("cuda", "hip") or not arch:
        raise SystemExit(f"--target must look like cuda:90 or hip:gfx942, not {args.target!r}")
    target = ("cuda", int(arch), 32) if backend == "cuda" else ("hip", arch, 64)
    require_device(args.device)
    return GraderConfig(seeds=args.seeds, timeout_s=args.timeout, target=target, device=args.device,
                        seed=args.grading_seed)


def require_device(device: str) -> None:
    """Stop at once, with the reason, when ``--device cuda`` names a GPU this machine does not have."""
    from .grader import NoCudaError, require_cuda

    try:
        require_cuda(device)
    except NoCudaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
