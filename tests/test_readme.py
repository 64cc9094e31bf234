"""The README's two commands are the ones CI runs."""
import re

from conftest import ROOT


def test_readme_commands_are_the_ci_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    assert block == ci and len(block) == 2


def test_readme_suite_tables_match_the_suite():
    from kernelgym.suite import markdown_tables, summarize

    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"<!-- suite-table.*?-->\n(.*?)\n<!-- /suite-table -->", readme, re.S).group(1)
    assert shown == markdown_tables(summarize(ROOT / "problems"))
