#!/bin/bash
# Debian postrm (electron-builder deb.afterRemove): electron-builder's usual cleanup of
# the command link; on purge also the configuration copied at install time.
set -u

case "$1" in
  remove|purge)
    if type update-alternatives >/dev/null 2>&1; then
      update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}' || true
    else
      rm -f '/usr/bin/${executable}'
    fi
    ;;
esac
if [ "$1" = "purge" ]; then
  rm -f /etc/pullprint/configuration.xml
  rmdir /etc/pullprint 2>/dev/null || true
fi
exit 0
