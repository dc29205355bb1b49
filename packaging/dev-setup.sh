#!/usr/bin/env bash
# Set up a development checkout of dctwin on Debian/Ubuntu: system packages
# (python3-venv, the Qt runtime libraries for headless/Xvfb use, and the
# freedesktop tools the packaging tests validate the launcher with), a .venv
# in the repository root, and an editable install with the gui and test extras.
#
# Idempotent: apt runs only when a package is missing; pip runs only when the
# venv is new or pyproject.toml changed since the last successful install.
# Environment: PYTHON (default python3), DCTWIN_SKIP_APT=1 to never touch apt,
# DCTWIN_FORCE_PIP=1 to reinstall the Python packages.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.dctwin-setup-stamp"

SYSTEM_PACKAGES=(
    python3-venv
    xvfb libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
    libglib2.0-0 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
    libx11-xcb1 fonts-dejavu-core
    desktop-file-utils shared-mime-info
)

say() { printf 'dev-setup: %s\n' "$*" >&2; }
die() { printf 'dev-setup: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'die "failed at line $LINENO (exit $?): $BASH_COMMAND"' ERR

missing_packages() {
    local pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

install_system_packages() {
    if [[ "${DCTWIN_SKIP_APT:-0}" == 1 ]]; then
        say "DCTWIN_SKIP_APT=1: not checking system packages"
        return
    fi
    if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
        say "no dpkg/apt-get (not Debian?): install python3-venv and the Qt runtime libraries yourself"
        return
    fi
    local missing
    missing="$(missing_packages)"
    if [[ -z "$missing" ]]; then
        say "system packages: all ${#SYSTEM_PACKAGES[@]} present, skipping apt"
        return
    fi
    local -a sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || die "missing packages and not root (no sudo): $(echo $missing)"
        sudo=(sudo)
    fi
    say "system packages missing: $(echo $missing)"
    say "running: apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    say "running: apt-get install -y --no-install-recommends $(echo $missing)"
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends $missing
}

create_venv() {
    if [[ -x "$VENV/bin/python" ]]; then
        say "virtual environment: $VENV exists"
        return
    fi
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install Python 3.10 or newer"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "$PYTHON is $("$PYTHON" --version 2>&1); dctwin needs Python 3.10 or newer"
    say "creating virtual environment: $PYTHON -m venv $VENV"
    "$PYTHON" -m venv "$VENV"
}

pip_install() {
    local want
    want="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [[ "${DCTWIN_FORCE_PIP:-0}" != 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] \
        && "$VENV/bin/python" -c 'import twin, numpy, scipy, PySide6, pytest' 2>/dev/null; then
        say "python packages: up to date with pyproject.toml, skipping pip"
        return
    fi
    say "running: pip install --upgrade pip"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    say "running: pip install -e '.[gui,test]'"
    (cd "$REPO_ROOT" && "$VENV/bin/python" -m pip install --quiet -e '.[gui,test]')
    printf '%s\n' "$want" > "$STAMP"
}

main() {
    say "repository: $REPO_ROOT"
    install_system_packages
    create_venv
    pip_install
    "$VENV/bin/python" -c 'import twin; print("dev-setup: ready: dctwin", twin.__version__)' >&2
}

main "$@"
