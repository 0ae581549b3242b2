// Opens a URL in the system browser without a shell (the URL is one argv entry, so
// '&' and quotes in the query string are never interpreted). The Electron shell uses
// shell.openExternal instead; this is for the headless `pullprint login --sso`.

import { spawn } from 'node:child_process';

function command(url: string): [string, string[]] {
  switch (process.platform) {
    case 'darwin':
      return ['open', [url]];
    case 'win32':
      // Not `cmd /c start`: cmd would split the URL at '&'.
      return ['rundll32', ['url.dll,FileProtocolHandler', url]];
    default:
      return ['xdg-open', [url]];
  }
}

export function openInSystemBrowser(url: string): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return Promise.reject(new Error(`refusing to open a ${parsed.protocol} URL`));
  const [cmd, args] = command(parsed.href);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', (err) => reject(new Error(`${cmd} could not be started: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
