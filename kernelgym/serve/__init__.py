"""``kernelgym serve``: KernelGym environments served as OpenEnv environments, and their clients.

:mod:`~kernelgym.serve.models` (the typed records), :mod:`~kernelgym.serve.environment` (one session),
:mod:`~kernelgym.serve.guard` (token and size limits), :mod:`~kernelgym.serve.endpoint` (OpenEnv's session
protocol), :mod:`~kernelgym.serve.app` (the server), :mod:`~kernelgym.serve.connection` (a blocking WebSocket
connection), :mod:`~kernelgym.serve.client` (OpenEnv client and Gymnasium face), :mod:`~kernelgym.serve.commands`
(making and warming the served environments). The command itself, ``kernelgym serve``, is
:mod:`kernelgym.cli.serve`. Needs the ``serve`` extra.
"""
