// What the spool's test files share: a logger that keeps its lines, a temporary data
// folder removed after the test, the usual SpoolOptions, and a listing of the files left.
import type { TestContext } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobInspector } from '../../../main/pdl/inspector.js';
import type { SpoolOptions } from '../../../main/spool/spool.js';
import { memoryLogger } from '../../helpers/memory-logger.js';

export { memoryLogger, type LogLine } from '../../helpers/memory-logger.js';

/** A fresh data folder under the system's temporary folder, removed when the test ends. */
export async function tempData(t: TestContext, prefix = 'spool'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pullprint-${prefix}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Local and cloud modes, fresh each call; test files differ only in the cloud file-name format. */
export function testModes(cloudFileNameFormat = '%d_%i.ps'): SpoolOptions['modes'] {
  return {
    local: { fileNameFormat: '%d_%i.prn', queueName: 'PullPrint', maxJobSizeBytes: 8 << 20, initialState: 'held' },
    cloud: { fileNameFormat: cloudFileNameFormat, queueName: 'LPMCloud', maxJobSizeBytes: 8 << 20, initialState: 'queued' },
  };
}

/** Local and cloud enabled, jobs owned by the submitted user (else alice), the real inspector. */
export function spoolOptions(dataDir: string, over: Partial<SpoolOptions> = {}): SpoolOptions {
  return {
    dataDir,
    logger: memoryLogger(),
    modes: testModes(),
    ownerOf: (meta) => meta.user ?? 'alice',
    inspect: createJobInspector,
    ...over,
  };
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Every file under dir, relative, recursively, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  }
  return out.sort();
}
