// Small helpers shared by the cloud tests: documents on disk with their digest, metadata
// for them, and a walk of a folder (to prove nothing half-written was left behind).

import { createHash, randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobMetadata } from '../../../main/cloud/wire.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface Doc {
  readonly path: string;
  readonly bytes: Buffer;
  readonly meta: JobMetadata;
}

export async function makeDoc(dir: string, name: string, size: number, over: Partial<JobMetadata> = {}): Promise<Doc> {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return {
    path,
    bytes,
    meta: {
      title: `Report ${name} — Überblick`, pages: 3, color: true, duplex: false, copies: 2, format: 'pdf',
      size, sha256: sha256(bytes), workstation: 'ws-test-01', printedAt: '2026-11-24T15:30:12.000Z', ...over,
    },
  };
}

/** Every file under dir, relative, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  }
  return out.sort();
}
