// Where the pages come from: pullprint://app/…, a privileged standard scheme the shell
// registers, so pages have an origin of their own (checked by the IPC wrapper) and no
// file:// access. This maps request paths to files: HTML, CSS and images from the
// source tree packed as is (renderer/), compiled scripts from dist/ (the renderer's own
// and the shared i18n catalogs). Anything else, and any path trick, is not found.

import { join, sep } from 'node:path';
import type { AppOrigin } from './ipc-handlers.js';

export const APP_SCHEME = 'pullprint';
export const APP_HOST = 'app';
export const APP_ORIGIN: AppOrigin = { protocol: `${APP_SCHEME}:`, host: APP_HOST };

/** Also in each page's meta tag; the protocol handler sends it as a header too. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function pageUrl(page: string, base = `${APP_SCHEME}://${APP_HOST}`): string {
  return `${base}/renderer/${page}`;
}

export interface AssetRoots {
  /** The application folder (app.getAppPath()): renderer/*.html, *.css, images. */
  readonly static: string;
  /** The compiled tree (dist/): renderer/*.js, main/ui/i18n/*.js. */
  readonly code: string;
}

export interface ResolvedAsset {
  readonly file: string;
  readonly contentType: string;
}

const STATIC_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function resolveAppAsset(pathname: string, roots: AssetRoots): ResolvedAsset | null {
  // Percent-encoded anything (%2e%2e, %2f, %00) is refused rather than decoded: our file names never need it.
  if (pathname.includes('%') || pathname.includes('\\') || pathname.includes('\0')) return null;
  const parts = pathname.split('/');
  if (parts[0] !== '' || parts.length < 3) return null;
  const segs = parts.slice(1);
  if (!segs.every((s) => SAFE_SEGMENT.test(s) && s !== '..' && !s.startsWith('.'))) return null;
  const name = segs[segs.length - 1];
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (segs[0] === 'renderer') {
    if (ext === 'js') return { file: join(roots.code, ...segs), contentType: 'text/javascript; charset=utf-8' };
    const type = STATIC_TYPES[ext];
    return type ? { file: join(roots.static, ...segs), contentType: type } : null;
  }
  // The shared message catalogs, compiled: the only main-process code a page may load.
  if (segs.length === 4 && segs[0] === 'main' && segs[1] === 'ui' && segs[2] === 'i18n' && ext === 'js') {
    return { file: join(roots.code, ...segs), contentType: 'text/javascript; charset=utf-8' };
  }
  return null;
}

/** True when `file` lies inside `root` (a second guard for the shell before reading). */
export function isInside(root: string, file: string): boolean {
  const r = root.endsWith(sep) ? root : root + sep;
  return file.startsWith(r);
}
