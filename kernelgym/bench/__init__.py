"""The benchmark harness: ``kernelgym bench`` (run a policy over a problem suite) and ``kernelgym report``.

- :mod:`kernelgym.bench.run`: the run loop (generate, grade in parallel, one row per sample, resumable).
- :mod:`kernelgym.bench.results`: the run folder's files (``run.json``, ``results.jsonl``, ``metrics.json``).
- :mod:`kernelgym.bench.metrics`: pure metric functions (pass@k, fast_p, geomean speedup, hack rates, spread).
- :mod:`kernelgym.bench.plots` and :mod:`kernelgym.bench.report`: the Markdown and self-contained HTML report.
- :mod:`kernelgym.bench.samples`: the report's per-sample details (verdict, error, hack flags, code) and filter.
- :mod:`kernelgym.bench.policies`: where completions come from (reference, replay, OpenAI-compatible, transformers,
  vLLM).

The commands' options, progress bar and summary table are :mod:`kernelgym.cli.bench`.
"""
