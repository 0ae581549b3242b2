// pullprint://app: the pages' own origin (STYLE: no file:// pages). Registered as a
// privileged standard scheme before the app is ready, served from the app folder with
// the mapping of main/ui/app-protocol.ts and our CSP on every response.

import { net, protocol, type Session } from 'electron';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../log/types.js';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY, isInside, resolveAppAsset, type AssetRoots } from '../ui/app-protocol.js';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{
    scheme: APP_SCHEME,
    // standard: a real origin (relative URLs); secure: treated like https. Module scripts
    // are fetched in CORS mode, which Chromium refuses for schemes not registered as
    // CORS-enabled (electron/electron#12011; VS Code's vscode-file does the same). The
    // privilege also skips ACAO checks on cross-origin reads (electron/electron#52912),
    // harmless here: no other origin is ever loaded and pages cannot connect anywhere.
    privileges: { standard: true, secure: true, corsEnabled: true, supportFetchAPI: false, stream: false, bypassCSP: false },
  }]);
}

const notFound = (): Response => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });

export function serveAppScheme(session: Session, roots: AssetRoots, logger: Logger): void {
  const log = logger.child('app-scheme');
  session.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') return notFound();
    const asset = resolveAppAsset(url.pathname, roots);
    if (!asset || !(isInside(roots.static, asset.file) || isInside(roots.code, asset.file))) {
      log.warn('asset refused', { path: url.pathname.slice(0, 200) });
      return notFound();
    }
    // net.fetch reads inside app.asar as well as from disk.
    const res = await net.fetch(pathToFileURL(asset.file).toString());
    if (!res.ok) return notFound();
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': asset.contentType,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
    });
  });
}
