"""`python -m twin.cli` runs the `dctwin` command, as `python -m twin` does."""
import sys

from twin.cli import main

if __name__ == "__main__":
    sys.exit(main())
