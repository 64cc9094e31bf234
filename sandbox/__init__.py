"""The untrusted side of KernelGym: warm zygote processes that fork one sandboxed child per candidate.

See :mod:`kernelgym.sandbox.child` for what the sandbox covers and what it does not, and ARCHITECTURE.md for
where it sits in one grading.
"""
