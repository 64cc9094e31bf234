"""The built-in problem suite: one PyTorch reference per file in level1/, level2/ and level3/ (data, not code to
import; see kernelgym.registry.builtin_problems)."""
