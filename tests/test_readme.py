"""The README's two commands are the ones CI runs."""
import re

from conftest import ROOT


def test_readme_commands_are_the_ci_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    kept = " || status=$?"  # each command's failure is kept for the exit status (set -e skips && chains)
    ci = [line.removesuffix(kept) for line in script if line.endswith(kept)]
    assert block == ci and len(block) == 2
    assert script[-1] == "exit $status" and "status=0" in script


def test_ci_fails_when_a_command_inside_a_chain_fails(tmp_path):
    """The first command is a ``&&`` chain, where ``set -e`` does not stop: CI must fail on its failure anyway."""
    import subprocess

    script = (ROOT / ".ci" / "run").read_text().splitlines()
    kept = " || status=$?"
    commands = ["true && false && true" + kept if line.endswith(kept) and "pip install" in line
                else "true" + kept if line.endswith(kept) else line for line in script
                if not line.startswith("cd ")]
    (tmp_path / "run").write_text("\n".join(commands) + "\n")
    assert subprocess.run(["bash", str(tmp_path / "run")]).returncode == 1


def test_readme_suite_tables_match_the_suite():
    from kernelgym.suite import markdown_tables, summarize

    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"<!-- suite-table.*?-->\n(.*?)\n<!-- /suite-table -->", readme, re.S).group(1)
    assert shown == markdown_tables(summarize(ROOT / "problems"))
