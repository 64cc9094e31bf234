"""``python -m kernelgym.cli``: the ``kernelgym`` command."""
import sys

from . import main

sys.exit(main())
