"""``python -m relay``: the same as ``passerelle-relay``."""

import sys

from relay.cli import main

if __name__ == "__main__":
    sys.exit(main())
