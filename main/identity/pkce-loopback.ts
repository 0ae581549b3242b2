// The loopback redirect receiver of RFC 8252 §7.3: an HTTP listener on 127.0.0.1 and an
// ephemeral port, for exactly one authorization response. Requests on other paths, or
// with a state that is not ours (another tab, a forged link), get an error page and do
// not end the wait; the first response carrying our state ends it, whatever it says.
// The listener closes after that response, on timeout, or on abort.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdentityError } from './errors.js';

export const CALLBACK_PATH = '/callback';

export interface LoopbackRedirect {
  /** http://127.0.0.1:{port}/callback */
  readonly redirectUri: string;
  /** The full callback URL (code, state, iss or error), once it arrives. */
  readonly result: Promise<URL>;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  expectedState: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

const PAGE_STYLE = 'body{font-family:system-ui,sans-serif;margin:3em auto;max-width:32em;color:#222}h1{font-size:1.3em}';

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PullPrint</title><style>${PAGE_STYLE}</style></head>` +
    `<body><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  });
  res.end(body);
}

export async function startLoopbackRedirect(opts: LoopbackOptions): Promise<LoopbackRedirect> {
  let settle: { resolve: (u: URL) => void; reject: (e: unknown) => void } | null = null;
  const result = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may be awaiting yet when it rejects (timeout before the caller awaits).
  result.catch(() => undefined);
  let done = false;
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (done || req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(res, 404, 'Not found', 'This address belongs to a PullPrint sign-in that is no longer waiting.');
      return;
    }
    if (url.searchParams.get('state') !== opts.expectedState) {
      page(res, 400, 'Sign-in not recognised', 'This sign-in response does not belong to the sign-in PullPrint started. Close this window and start again from PullPrint.');
      return;
    }
    const failed = url.searchParams.has('error');
    page(res, 200,
      failed ? 'Sign-in was not completed' : 'Signed in to PullPrint',
      failed ? 'You may close this window and try again from PullPrint.' : 'You may close this window and return to PullPrint.');
    finish(null, url);
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  const timer = setTimeout(() => finish(new IdentityError('SSO_TIMEOUT', `Nobody completed the sign-in in the browser within ${Math.round(opts.timeoutMs / 1000)} seconds.`)), opts.timeoutMs);
  const onAbort = (): void => finish(new IdentityError('SSO_CANCELLED', 'The browser sign-in was cancelled.'));
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  function finish(err: IdentityError | null, url?: URL): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Let the page reach the browser, then stop listening.
    server.close();
    server.closeIdleConnections();
    if (err) settle?.reject(err);
    else if (url) settle?.resolve(url);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearTimeout(timer);
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    result,
    async close() {
      finish(new IdentityError('SSO_CANCELLED', 'The browser sign-in was stopped.'));
      // A browser may hold a pre-opened connection that never sends a request.
      const grace = setTimeout(() => server.closeAllConnections(), 500);
      await closed;
      clearTimeout(grace);
    },
  };
}
