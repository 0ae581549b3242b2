#!/bin/bash
# Debian prerm (passed to fpm as --before-remove): on removal (not on upgrade) the
# print queues go while the application is still installed to remove them.
set -u

APP_BIN='/opt/${sanitizedProductName}/${executable}'

if [ "$1" = "remove" ] && [ -x "$APP_BIN" ] && command -v lpadmin >/dev/null 2>&1; then
  "$APP_BIN" --no-sandbox --ozone-platform=headless --disable-gpu --cli queue remove || echo "PullPrint: print queues not removed" >&2
fi
exit 0
