#!/usr/bin/env bash
# Register dctwin with the desktop: the launcher (.desktop), the layout MIME
# type (*.dctwin.yaml, or YAML starting with the `dctwin: 1` key) and the icon
# in the hicolor theme. Per user by default (~/.local/share); pass a prefix
# such as /usr/local for all users (needs root). `dctwin` must be on PATH
# (a wheel install, or the bundle's folder) for the launcher to show.
#
#   bash packaging/linux/install-desktop-files.sh [PREFIX]
#   bash packaging/linux/install-desktop-files.sh --uninstall [PREFIX]
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The icons: twin/assets in a checkout, _internal/twin/assets in the bundle.
ASSETS="$HERE/../../twin/assets"
[[ -d "$ASSETS" ]] || ASSETS="$HERE/../_internal/twin/assets"
[[ -f "$ASSETS/dctwin.svg" ]] || { echo "install-desktop-files: cannot find the dctwin icons" >&2; exit 1; }
uninstall=0
if [[ "${1:-}" == --uninstall ]]; then uninstall=1; shift; fi
DATA="${1:+$1/share}"
DATA="${DATA:-${XDG_DATA_HOME:-$HOME/.local/share}}"
SIZES=(16 24 32 48 64 128 256 512)

say() { printf 'install-desktop-files: %s\n' "$*" >&2; }
refresh() {
    command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
    command -v gtk-update-icon-cache >/dev/null \
        && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
}

if [[ "$uninstall" == 1 ]]; then
    rm -f "$DATA/applications/dctwin.desktop" "$DATA/mime/packages/dctwin-layout.xml" \
          "$DATA/icons/hicolor/scalable/apps/dctwin.svg"
    for size in "${SIZES[@]}"; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/dctwin.png"; done
    refresh
    say "removed from $DATA"
    exit 0
fi

install -D -m 644 "$HERE/dctwin.desktop" "$DATA/applications/dctwin.desktop"
install -D -m 644 "$HERE/dctwin-layout.xml" "$DATA/mime/packages/dctwin-layout.xml"
install -D -m 644 "$ASSETS/dctwin.svg" "$DATA/icons/hicolor/scalable/apps/dctwin.svg"
for size in "${SIZES[@]}"; do
    install -D -m 644 "$ASSETS/dctwin-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/dctwin.png"
done
refresh
command -v dctwin >/dev/null || say "note: dctwin is not on PATH; the launcher runs 'dctwin gui'"
say "installed into $DATA"
