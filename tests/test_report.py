"""``kernelgym report``: Markdown tables, a self-contained HTML page, runs side by side, and the page as headless
Chromium renders it."""
from __future__ import annotations

import base64
import doctest
import json
import re
import shutil
import subprocess

import pytest

from conftest import PROBLEMS, copy_suite
from kernelgym import cheats
from kernelgym.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def _replay(path, lines):
    path.write_text("".join(json.dumps({"problem": p, "completion": c}) + "\n" for p, c in lines))
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, grader):
    """Two graded runs on the same two problems: one mostly right, one with a format failure and a cheat."""
    from kernelgym.bench.policies import ReplayPolicy
    from kernelgym.bench.results import RunMeta
    from kernelgym.bench.run import BenchConfig, run_bench
    from kernelgym.executor import LocalExecutor

    root = tmp_path_factory.mktemp("report")
    suite = copy_suite(root / "suite")
    add = f"```python\n{(PROBLEMS / 'level1' / '01_vector_add_solution.py').read_text()}\n```"
    relu = f"```python\n{(PROBLEMS / 'level1' / '02_relu_solution.py').read_text()}\n```"
    cheat = f"```python\n{cheats.torch_fallback((PROBLEMS / 'level1' / '02_relu.py').read_text())}\n```"
    plans = {
        "good": [("01_vector_add", add), ("01_vector_add", add), ("02_relu", relu), ("02_relu", "no code")],
        "cheater": [("01_vector_add", "no code"), ("01_vector_add", add), ("02_relu", cheat), ("02_relu", cheat)],
    }
    out = {}
    for name, lines in plans.items():
        replay = _replay(root / f"{name}.jsonl", lines)
        run_dir = root / name
        meta = RunMeta(policy=f"replay:{replay}", problems=str(suite), samples=2)
        run_bench(BenchConfig(problems=suite, out=run_dir, samples=2, workers=2), ReplayPolicy(replay), meta,
                  lambda: LocalExecutor(grader=grader))
        out[name] = run_dir
    return out


def test_doctests_of_the_report_and_plots_pass():
    from kernelgym.bench import plots, report, samples

    for module in (report, plots, samples):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def _table_after(markdown: str, heading: str) -> list[dict[str, str]]:
    """The rows of the first Markdown table after a heading, as dicts keyed by the header."""
    lines = markdown.split(heading + "\n", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, [c.strip() for c in line.strip("|").split("|")])))
    return rows


def test_single_run_report_has_tables_that_match_its_metrics(runs):
    run_dir = runs["good"]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    markdown = (run_dir / "report.md").read_text()
    overall = _table_after(markdown, "### All problems")
    assert [row["run"] for row in overall] == ["good"]
    assert overall[0]["pass@1"] == f"{metrics['pass@1']:.3f}"
    assert overall[0]["pass@2"] == f"{metrics['pass@2']:.3f}"
    assert overall[0]["fast_1"] == ("—" if metrics["fast_1"] is None else f"{metrics['fast_1']:.3f}")
    if not metrics["speed_measured"]:  # a CPU run: null, not zero, and the report says why
        assert overall[0]["fast_1"] == overall[0]["speedup"] == "—"
        assert "Speed was not measured" in markdown
    assert _table_after(markdown, "### Level 1")[0]["correct"] == f"{metrics['levels']['1']['correct_rate']:.3f}"
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", markdown)
    assert len(images) >= 3  # pass@k, outcomes, reward spread; hacks and speedup only when there are any
    for image in images:
        assert (run_dir / image).read_bytes().startswith(PNG)


def test_comparison_report_puts_runs_side_by_side(runs, tmp_path, capsys):
    out = tmp_path / "compare"
    assert main(["report", str(runs["good"]), str(runs["cheater"]), "--out", str(out)]) == 0
    assert "report.html" in capsys.readouterr().out
    markdown = (out / "report.md").read_text()
    metrics = {name: json.loads((d / "metrics.json").read_text()) for name, d in runs.items()}
    for heading in ("### All problems", "### Level 1"):
        rows = _table_after(markdown, heading)
        assert [row["run"] for row in rows] == ["good", "cheater"]
        for row in rows:
            assert row["hack rate"] == f"{metrics[row['run']]['hack_rate']:.3f}"
    hacks = _table_after(markdown, "## Hacks")
    assert {row["hack"] for row in hacks} == set(metrics["cheater"]["hacks"]) != set()
    spread = _table_after(markdown, "## Per-problem reward (variance study)")
    assert [row["problem"] for row in spread] == ["01_vector_add", "02_relu"]
    for row in spread:
        stats = metrics["cheater"]["per_problem"][row["problem"]]
        assert row["cheater correct"] == f"{stats['correct']}/{stats['samples']}"
        assert row["good reward std"] == f"{metrics['good']['per_problem'][row['problem']]['reward_std']:.3f}"


def test_html_is_self_contained_with_decodable_embedded_images(runs):
    html = (runs["cheater"] / "report.html").read_text()
    sources = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(sources) >= 4  # pass@k, outcomes, hacks, reward spread (no speedup plot on CPU)
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing may load from the network"
    assert "<script" not in html and "<link" not in html


def test_report_of_a_missing_run_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "no such run folder" in capsys.readouterr().err


def test_several_runs_need_an_output_folder(runs, capsys):
    assert main(["report", str(runs["good"]), str(runs["cheater"])]) == 2
    assert "--out" in capsys.readouterr().err


def test_report_regenerates_metrics_from_the_results(runs, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(runs["good"], copy)
    (copy / "metrics.json").unlink()
    (copy / "report.html").unlink()
    assert main(["report", str(copy)]) == 0
    assert json.loads((copy / "metrics.json").read_text()) == json.loads((runs["good"] / "metrics.json").read_text())
    assert (copy / "report.html").is_file()


# --- the page in a real browser ----------------------------------------------------------------------------
PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  document.body.setAttribute("data-images", images.length);
  document.body.setAttribute("data-decoded", images.filter(i => i.complete && i.naturalWidth > 0).length);
  document.body.setAttribute("data-tables", document.querySelectorAll("table").length);
  document.body.setAttribute("data-rows", document.querySelectorAll("tbody tr").length);
});
</script>"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _without_csp(page: str) -> str:
    """The page without its Content-Security-Policy, which (rightly) blocks the probe scripts of these tests."""
    from kernelgym.bench.report import CSP

    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert meta in page
    return page.replace(meta, "")


def _dump_dom(page: str, folder) -> str:
    """The DOM of ``page`` after headless Chromium loaded it and ran its scripts."""
    folder.mkdir(exist_ok=True)
    path = folder / "page.html"
    path.write_text(page)
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={folder / 'profile'}", "--virtual-time-budget=5000", "--dump-dom", path.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (Debian: apt-get install -y "
                                                "chromium)")
def test_chromium_renders_the_tables_and_decodes_every_image(runs, tmp_path):
    page = (runs["cheater"] / "report.html").read_text()
    probe = tmp_path / "probe.html"  # the report plus a probe script that reads the rendered page on load
    probe.write_text(_without_csp(page).replace("</body>", PROBE + "</body>"))
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
               probe.as_uri()]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, f"Chromium printed no page: {dom[:500]!r}"
    attrs = dict(re.findall(r'data-(\w+)="(\d+)"', body.group(1)))
    expected_images = len(re.findall(r"<img ", page))
    assert int(attrs["images"]) == expected_images >= 4
    assert int(attrs["decoded"]) == expected_images, "every embedded PNG decoded with a width"
    assert int(attrs["tables"]) == page.count("<table>") >= 5
    assert int(attrs["rows"]) > 0
    shot = tmp_path / "report.png"
    subprocess.run(command[:-2] + ["--window-size=1280,2000", f"--screenshot={shot}", (runs["cheater"] /
                                                                                        "report.html").as_uri()],
                   capture_output=True, timeout=120)
    assert shot.read_bytes().startswith(PNG)


def test_the_reward_note_is_the_reward_formula():
    from kernelgym.bench.report import METRIC_NOTES, metric_notes
    from kernelgym.rewards import RewardWeights

    def reward_note(notes):
        return next(n for n in notes if n.startswith("**reward**"))

    default = "0.1·format + 0.2·compile + 0.7·fraction of tests passed (+ 0.5·speed on a GPU)"
    assert default in reward_note(METRIC_NOTES)
    custom = metric_notes(RewardWeights(format=0.3, compile=0.1, correctness=0.6, speed=0.25, hack_penalty=-1.0))
    assert "0.3·format + 0.1·compile + 0.6·fraction of tests passed (+ 0.25·speed on a GPU)" in reward_note(custom)
    assert any(n.startswith("**hack rate**") and n.endswith("a hack scores reward -1.") for n in custom)


# --- the sample details: verdicts, errors, code, and the verdict filter ------------------------------------------
HOSTILE = "</pre></code></details><script>document.title='pwned'</script><img src=x onerror=\"document.title='x'\">"


@pytest.fixture(scope="module")
def failures(tmp_path_factory, grader):
    """A run whose samples fail in different ways, one of them with model-written markup in its error and code."""
    from kernelgym.bench.policies import ReplayPolicy
    from kernelgym.bench.results import RunMeta
    from kernelgym.bench.run import BenchConfig, run_bench
    from kernelgym.executor import LocalExecutor

    root = tmp_path_factory.mktemp("failures")
    suite = copy_suite(root / "suite")
    add = (PROBLEMS / "level1" / "01_vector_add_solution.py").read_text()
    relu = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    hostile = relu.replace("class ModelNew", f"raise RuntimeError({HOSTILE!r})\nclass ModelNew", 1)
    lines = [("01_vector_add", f"```python\n{add}\n```"), ("01_vector_add", f"<b>no code</b> {HOSTILE}"),
             ("02_relu", f"```python\n{hostile}\n```"), ("02_relu", f"```python\n{relu}\n```")]
    replay = _replay(root / "failures.jsonl", lines)
    run_dir = root / "run"
    meta = RunMeta(policy=f"replay:{replay}", problems=str(suite), samples=2)
    run_bench(BenchConfig(problems=suite, out=run_dir, samples=2, workers=2), ReplayPolicy(replay), meta,
              lambda: LocalExecutor(grader=grader))
    return run_dir


def _results(run_dir) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]


def test_the_failures_are_real_and_of_different_kinds(failures):
    """The fixture is what the tests below need: correct and failed samples, a hostile error among them."""
    from kernelgym.bench.plots import outcome

    rows = _results(failures)
    verdicts = {outcome(r["record"]) for r in rows}
    assert "correct" in verdicts and len(verdicts - {"correct"}) >= 2, verdicts
    assert any(HOSTILE in r["record"]["error"] for r in rows), "the hostile text reached an error message"


def test_markdown_lists_every_failed_sample_with_its_verdict_and_inert_error(failures):
    from kernelgym.bench.plots import outcome

    markdown = (failures / "report.md").read_text()
    table = _table_after(markdown, "## Samples: verdicts, errors and code")
    failed = [r for r in _results(failures) if not r["record"]["correct"]]
    assert sorted((row["problem"], row["sample"], row["verdict"]) for row in table) == sorted(
        (r["problem"], str(r["sample"]), outcome(r["record"])) for r in failed)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


def test_html_escapes_every_error_and_completion(failures):
    import html as html_lib

    page = (failures / "report.html").read_text()
    assert "<script" not in page and "<img src=x" not in page
    for row in _results(failures):
        assert html_lib.escape(row["completion"]) in page
        if row["record"]["error"]:
            assert html_lib.escape(row["record"]["error"]) in page


SAMPLE_PROBE = """<script>
window.addEventListener("load", () => {
  const visible = e => e.checkVisibility();
  const samples = () => [...document.querySelectorAll(".sample")];
  const out = {scripts: document.scripts.length, title: document.title, samples: samples().map(s => ({
    verdict: s.dataset.verdict,
    error: s.querySelector("pre.error") ? s.querySelector("pre.error").textContent : "",
    code: s.querySelector("pre.code").textContent,
    codeShown: visible(s.querySelector("pre.code")) || s.querySelector("details").open,
  })), filters: {}};
  for (const input of document.querySelectorAll("input.filter")) {
    document.querySelector(`label[for="${input.id}"]`).click();
    out.filters[input.id] = {checked: input.checked,
                             shown: samples().filter(visible).map(s => s.dataset.verdict),
                             problems: [...document.querySelectorAll(".problem")].filter(visible).length};
  }
  const pre = document.createElement("pre");
  pre.id = "probe-out";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (Debian: apt-get install -y "
                                                "chromium)")
def test_chromium_shows_each_samples_verdict_error_and_code_and_the_filter_works(failures, tmp_path):
    """In the rendered page every sample carries its verdict, its error and its code as plain text (the hostile
    markup came through as text: no extra script ran or exists), the code is collapsed, and each filter button
    shows exactly the samples of its verdict."""
    import html as html_lib

    from kernelgym.bench.plots import outcome

    page = (failures / "report.html").read_text()
    dom = _dump_dom(_without_csp(page).replace("</body>", SAMPLE_PROBE + "</body>"), tmp_path)
    found = re.search(r'<pre id="probe-out">(.*?)</pre>', dom, re.S)
    assert found, f"the probe did not run: {dom[-500:]!r}"
    probe = json.loads(html_lib.unescape(found.group(1)))
    assert probe["scripts"] == 1 and probe["title"] == "KernelGym benchmark report"  # only the probe ran
    rows = sorted(_results(failures), key=lambda r: (r["problem"], r["sample"]))  # the page's order: one level
    assert [s["verdict"] for s in probe["samples"]] == [outcome(r["record"]) for r in rows]
    assert [s["error"] for s in probe["samples"]] == [r["record"]["error"] for r in rows]
    assert [s["code"] for s in probe["samples"]] == [r["completion"] for r in rows]
    assert not any(s["codeShown"] for s in probe["samples"]), "code starts collapsed"

    verdicts = [outcome(r["record"]) for r in rows]
    expected = {"show-all": verdicts, "show-failed": [v for v in verdicts if v != "correct"]}
    expected.update({f"show-v-{v}": [w for w in verdicts if w == v] for v in set(verdicts)})
    assert set(probe["filters"]) == set(expected)
    for key, shown in expected.items():
        assert probe["filters"][key]["checked"], key
        assert probe["filters"][key]["shown"] == shown, key
        problems = {r["problem"] for r, v in zip(rows, verdicts) if v in shown}
        assert probe["filters"][key]["problems"] == len(problems), f"{key}: a problem with nothing to show is hidden"


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed")
def test_the_pages_content_security_policy_stops_any_script(failures, tmp_path):
    """Defence in depth: even markup that escaped the escaping could not run a script in the report."""
    runs = '<script>document.body.setAttribute("data-ran", "yes")</script>'
    page = (failures / "report.html").read_text().replace("</body>", runs + "</body>")
    assert 'data-ran="yes"' not in _dump_dom(page, tmp_path / "with")
    assert 'data-ran="yes"' in _dump_dom(_without_csp(page), tmp_path / "without")  # the check itself works


def test_pass_at_k_is_a_bar_chart_when_there_is_only_one_k():
    from kernelgym.bench.plots import pass_at_1_bars, pass_at_k_curves

    one_k = [("a", [], {"pass@1": 0.25}), ("b", [], {"pass@1": 0.75})]
    assert pass_at_k_curves(one_k) == pass_at_1_bars(one_k)
    two_k = [("a", [], {"pass@1": 0.25, "pass@2": 0.5})]
    assert pass_at_k_curves(two_k).startswith(PNG) and pass_at_k_curves(two_k) != pass_at_1_bars(two_k)
