"""The user documentation keeps up with the program: every command and option of
`dctwin` is in docs/cli.md, every page is reachable from docs/index.md, and
every relative link and image in the docs and the README exists."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from twin.cli import build_parser

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _subcommands(parser: argparse.ArgumentParser, prefix: str = ""):
    """(full command name, parser) for every subcommand, nested ones too."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix}{name}", sub
                yield from _subcommands(sub, f"{prefix}{name} ")


COMMANDS = list(_subcommands(build_parser()))


def test_there_are_commands_to_check():
    assert {"simulate", "gui", "report", "telemetry probe", "telemetry demo"} <= dict(COMMANDS).keys()


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_every_command_has_a_heading_in_the_cli_reference(name):
    headings = [line for line in CLI_DOC.splitlines() if line.startswith("## ")]
    assert any(f"`dctwin {name}" in h for h in headings), f"no '## ... `dctwin {name}' heading"


@pytest.mark.parametrize("name,parser", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_is_in_the_cli_reference(name, parser):
    options = [o for a in parser._actions for o in a.option_strings
               if o.startswith("--") and o != "--help"]
    missing = [o for o in options
               if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", CLI_DOC)]
    assert not missing, f"dctwin {name}: options not in docs/cli.md: {missing}"


def _pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def test_the_index_links_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {target.split("#")[0] for target in LINK.findall(index)}
    missing = [p.name for p in _pages() if p.name != "index.md" and p.name not in linked]
    assert not missing, f"docs/index.md does not link {missing}"


@pytest.mark.parametrize("page", _pages() + [REPO_ROOT / "README.md", REPO_ROOT / "CHANGELOG.md"],
                         ids=lambda p: p.name)
def test_relative_links_and_images_exist(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue                     # a URL, a mail address, an anchor on the same page
        if not (page.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"
