"""Entry point of the standalone bundle: the `dctwin` command, frozen by PyInstaller.

With no arguments it opens the desktop app, like an installed `dctwin`.
freeze_support lets worker processes (multiprocessing's spawn) start from
the frozen executable instead of re-running the app.
"""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from twin.cli import main
    sys.exit(main())
