#!/bin/bash
# Debian postinst (electron-builder deb.afterInstall; electron-builder fills the
# executable and sanitizedProductName macros). Does what electron-builder's own script
# does (command link, chrome-sandbox mode, desktop database), then PullPrint's part:
#  - configuration.xml beside the .deb → /etc/pullprint/configuration.xml
#  - the print queues of the enabled modes, DefaultQueue made the default printer.
# dpkg does not say where the .deb was: PULLPRINT_CONFIGURATION names the file, else
# the .deb named on the command line of dpkg or apt (`apt install ./pullprint.deb`,
# `dpkg -i pullprint.deb`) is looked up among this script's ancestors.
# Shell variables are written $NAME, never in braces: braces are electron-builder macros.
set -u

APP_DIR='/opt/${sanitizedProductName}'
APP_BIN="$APP_DIR/${executable}"
CONF_DIR=/etc/pullprint

if [ "$1" != "configure" ]; then
  exit 0
fi

# --- electron-builder's usual steps ---
if type update-alternatives >/dev/null 2>&1; then
  if [ -L '/usr/bin/${executable}' ] && [ -e '/usr/bin/${executable}' ] && [ "$(readlink '/usr/bin/${executable}')" != '/etc/alternatives/${executable}' ]; then
    rm -f '/usr/bin/${executable}'
  fi
  update-alternatives --install '/usr/bin/${executable}' '${executable}' "$APP_BIN" 100 || ln -sf "$APP_BIN" '/usr/bin/${executable}'
else
  ln -sf "$APP_BIN" '/usr/bin/${executable}'
fi
if ! { [ -L /proc/self/ns/user ] && unshare --user true; } 2>/dev/null; then
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi
if hash update-desktop-database 2>/dev/null; then
  update-desktop-database /usr/share/applications || true
fi

# --- PullPrint: the administrator's configuration ---
find_configuration() {
  if [ -n "$PULLPRINT_CONFIGURATION" ] && [ -f "$PULLPRINT_CONFIGURATION" ]; then
    echo "$PULLPRINT_CONFIGURATION"
    return 0
  fi
  pid=$$
  while [ "$pid" -gt 1 ] 2>/dev/null; do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    while IFS= read -r -d '' arg; do
      case "$arg" in
        *.deb)
          case "$arg" in /*) deb="$arg" ;; *) deb="$cwd/$arg" ;; esac
          candidate="$(dirname "$deb")/configuration.xml"
          if [ -f "$candidate" ]; then
            echo "$candidate"
            return 0
          fi
          ;;
      esac
    done 2>/dev/null < "/proc/$pid/cmdline"
    pid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
  done
  return 1
}

PULLPRINT_CONFIGURATION="$(printenv PULLPRINT_CONFIGURATION || true)"
if source_file=$(find_configuration); then
  install -d -m 0755 "$CONF_DIR"
  install -m 0644 "$source_file" "$CONF_DIR/configuration.xml"
  echo "PullPrint: $source_file copied to $CONF_DIR/configuration.xml"
fi

# --- PullPrint: print queues (CUPS) ---
# Electron runs as root here: no sandbox, and no display is needed for the command line.
if command -v lpadmin >/dev/null 2>&1; then
  if "$APP_BIN" --no-sandbox --ozone-platform=headless --disable-gpu --cli queue install; then
    echo "PullPrint: print queues created"
  else
    echo "PullPrint: print queues not created; run: sudo ${executable} --no-sandbox --cli queue install" >&2
  fi
else
  echo "PullPrint: lpadmin not found (package cups-client); print queues not created" >&2
fi
exit 0
