// Serves the renderer pages to headless Chromium the way the shell's pullprint://app
// protocol does: the same path → file mapping (resolveAppAsset), the same CSP header.
// Scripts are compiled from the TypeScript sources per file on request, as tsc does for
// the build (module per file, types erased), so the tests run what the sources say.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ts from 'typescript';
import { CONTENT_SECURITY_POLICY, resolveAppAsset } from '../../main/ui/app-protocol.js';
import type { AppOrigin } from '../../main/ui/ipc-handlers.js';

export interface PageServer {
  readonly base: string;
  readonly origin: AppOrigin;
  /** Paths requested that the mapping refused (a page asking for something it should not). */
  readonly refused: string[];
  close(): Promise<void>;
}

export function compileForBrowser(source: string, fileName: string): string {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, sourceMap: false },
  }).outputText;
}

export async function startPageServer(repoRoot: string): Promise<PageServer> {
  const refused: string[] = [];
  // Compiled once per run: the sources do not change while the tests run.
  const compiled = new Map<string, Promise<string>>();
  const compile = (tsFile: string): Promise<string> => {
    let p = compiled.get(tsFile);
    if (!p) {
      p = readFile(tsFile, 'utf8').then((src) => compileForBrowser(src, tsFile));
      compiled.set(tsFile, p);
    }
    return p;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asset = resolveAppAsset(url.pathname, { static: repoRoot, code: repoRoot });
    const fail = (status: number): void => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(String(status));
    };
    if (!asset || req.method !== 'GET') {
      refused.push(url.pathname);
      fail(404);
      return;
    }
    const send = (body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': asset.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' });
      res.end(body);
    };
    const load = asset.file.endsWith('.js')
      ? compile(asset.file.replace(/\.js$/, '.ts'))
      : readFile(asset.file);
    load.then(send, () => fail(404));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    origin: { protocol: 'http:', host: `127.0.0.1:${port}` },
    refused,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
