"""Allow ``python -m backprop_tui``."""

import sys

from backprop_tui.cli import main

sys.exit(main())
