"""``--fast-p``: the fast_p thresholds of ``kernelgym bench`` and ``kernelgym report`` reach ``metrics.json``,
``run.json``, ``report.md`` and ``report.html``."""
from __future__ import annotations

import json

import pytest

from conftest import copy_suite
from kernelgym.bench.metrics import FAST_P, fast_key
from kernelgym.cli import main


def _header(markdown: str, heading: str) -> list[str]:
    """The header cells of the first Markdown table after a heading."""
    lines = markdown.split(heading + "\n", 1)[1].splitlines()
    return [c.strip() for c in next(line for line in lines if line.startswith("|")).strip("|").split("|")]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A cheap run: one badly formatted answer (graded without a sandbox child), thresholds 3,1.2,0."""
    root = tmp_path_factory.mktemp("fast_p")
    replay = root / "replay.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "no code"}) + "\n")
    out = root / "run"
    assert main(["bench", "--policy", f"replay:{replay}", "--problems", str(copy_suite(root / "suite")),
                 "--out", str(out), "--no-progress", "--fast-p", "3,1.2,0"]) == 0
    return out


def test_bench_thresholds_are_the_fast_keys_of_metrics_and_reports(run_dir):
    metrics = json.loads((run_dir / "metrics.json").read_text())
    asked = [0.0, 1.2, 3.0]
    assert metrics["fast_p_thresholds"] == asked and json.loads((run_dir / "run.json").read_text())["fast_p"] == asked
    keys = [fast_key(p) for p in asked]
    assert all(key in metrics and key in metrics["levels"]["1"] for key in keys)
    assert "fast_1" not in metrics and "fast_1.5" not in metrics
    header = _header((run_dir / "report.md").read_text(), "### All problems")
    assert [c for c in header if c.startswith("fast_")] == keys
    page = (run_dir / "report.html").read_text()
    assert all(f"<th>{key}</th>" in page for key in keys)
    assert "p = 0, 1.2, 3" in page  # the metric note names the thresholds


def test_report_recomputes_with_other_thresholds_and_defaults_to_the_runs_own(run_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    assert main(["report", str(copy), "--fast-p", "2"]) == 0
    assert json.loads((copy / "metrics.json").read_text())["fast_p_thresholds"] == [2.0]
    assert [c for c in _header((copy / "report.md").read_text(), "### All problems") if c.startswith("fast_")] == \
        ["fast_2"]
    assert main(["report", str(copy)]) == 0  # without --fast-p: the thresholds in run.json
    assert json.loads((copy / "metrics.json").read_text())["fast_p_thresholds"] == [0.0, 1.2, 3.0]


def test_default_thresholds_include_1_2(tmp_path):
    replay = tmp_path / "replay.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "no code"}) + "\n")
    out = tmp_path / "run"
    assert main(["bench", "--policy", f"replay:{replay}", "--problems", str(copy_suite(tmp_path / "suite")),
                 "--out", str(out), "--no-progress"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert 1.2 in FAST_P and metrics["fast_p_thresholds"] == list(FAST_P)
    assert "fast_1.2" in _header((out / "report.md").read_text(), "### All problems")


def test_a_bad_threshold_is_refused_with_the_option_named(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(tmp_path), "--fast-p", "1,fast"])
    assert exit_.value.code == 2
    assert "--fast-p: 'fast' is not a number" in capsys.readouterr().err


def test_terminal_summary_has_a_column_per_threshold_where_speed_was_measured(tmp_path):
    import io

    from kernelgym.bench.metrics import Sample, run_metrics
    from kernelgym.cli.bench import print_summary

    rows = [Sample("a", 1, True, True, True, (), speedup, 1.0) for speedup in (0.9, 1.3, 2.5)]
    for measured in (True, False):
        metrics = {"run": {"policy": "p", "problems": "d"},
                   **run_metrics(rows, speed_measured=measured, thresholds=(1.25, 2.0))}
        out = io.StringIO()
        print_summary(metrics, tmp_path, file=out)
        header = next(line for line in out.getvalue().splitlines() if "pass@1" in line)
        assert ("fast_1.25" in header and "fast_2" in header) is measured
        if measured:
            values = next(line for line in out.getvalue().splitlines() if line.strip("│ ").startswith("all"))
            assert f"{metrics['fast_1.25']:.3f}" in values and f"{metrics['fast_2']:.3f}" in values
