// The installed application is one executable: `PullPrint --cli queue install` runs the
// `pullprint` command line in it, without tray or windows (installer scripts use this;
// the RunAsNode fuse is off, so the binary cannot act as a plain `node`). Chromium
// switches the OS or the installer adds (--no-sandbox, --ozone-platform=…) may come
// before the marker and are not part of the command.

export const CLI_MARKER = '--cli';

/** The command-line arguments after `--cli`, or null when the app was started normally. */
export function cliArgsOf(argv: readonly string[]): string[] | null {
  // argv[0] is the executable; in development argv[1] is the app folder (electron .).
  const at = argv.indexOf(CLI_MARKER, 1);
  return at < 0 ? null : argv.slice(at + 1);
}
