"""`python -m twin` runs the `dctwin` command."""
import sys

from twin.cli import main

if __name__ == "__main__":      # not when a worker process re-imports the main module
    sys.exit(main())
