"""The frozen application's entry point: exactly what the ``passerelle`` command runs.

No command opens the window; ``passerelle inbox --store …`` and the other
commands work from the bundle as from source (the smoke test relies on it).
"""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
