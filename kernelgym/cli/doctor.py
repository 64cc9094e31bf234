"""``kernelgym doctor``: what grading can do on this machine, as text or one JSON object; the probing is
:mod:`kernelgym.doctor`."""
from __future__ import annotations

import argparse
import json

from .options import require_device


def add_parsers(commands) -> None:
    """Add ``doctor`` to the main parser's subcommands."""
    parser = commands.add_parser("doctor", help="what grading can do on this machine: sandbox layers, interpreter, "
                                                "compile check, CUDA in the sandbox",
                                 description="Grades a reference in a real sandboxed child on CPU and, where a GPU "
                                             "is visible, on the GPU; names the sandbox layers in force and why any "
                                             "is missing; where CUDA fails in the sandbox, finds the layer that "
                                             "breaks it.")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                        help="check the CPU path, the GPU path, or both where a GPU is visible (default auto)")
    parser.add_argument("--layers", action="store_true", help="also try CUDA under each sandbox layer alone")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """``kernelgym doctor [--device D] [--layers] [--json]``: 0 when every check passed, 1 otherwise."""
    from ..doctor import run_doctor

    require_device(args.device)
    report = run_doctor(args.device, layer_trials=args.layers)
    print(json.dumps(report.to_dict(), indent=2) if args.json else render(report))
    return 0 if report.ok else 1


def render(report) -> str:
    """A :class:`kernelgym.doctor.DoctorReport` as text for a terminal."""
    machine = report.machine
    lines = [f"KernelGym doctor: Python {machine['python']}, torch {machine['torch']}, Triton {machine['triton']}, "
             f"{machine['cpus']} CPUs, {'root' if machine['root'] else 'not root'}, "
             f"GPU: {machine['gpu'] or 'none visible'}"]
    lines += [f"  [{'ok' if c.ok else 'FAIL'}] {c.name}" + (f": {c.detail}" if c.detail and not c.ok else
                                                            (f" ({c.detail})" if c.detail else ""))
              for c in report.checks]
    for device, layers in report.layers.items():
        lines.append(f"  {device} sandbox layers in force: {', '.join(layers) or 'none'}")
        for name, why in report.missing.get(device, {}).items():
            lines.append(f"    missing {name}" + (f": {why}" if why else ""))
    for trial in report.layer_trials:
        lines.append(f"  layer {trial.get('trial')}: CUDA {trial.get('cuda')}")
    lines.append("all checks passed" if report.ok else "some checks failed")
    return "\n".join(lines)
