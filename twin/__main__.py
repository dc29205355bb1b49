"""`python -m twin` runs the `dctwin` command."""
import sys

from twin.cli import main

sys.exit(main())
