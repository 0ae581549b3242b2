// The few file-system moves that crash safety rests on, shared by the spool, the tracker,
// identity's logout journal and the cloud stores. A file is durable once its bytes are
// fsync'ed AND the folder holding its name is fsync'ed; a replacement is atomic when it is
// a rename within one folder of a temporary file written and flushed first.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Every temporary file named by tempName() starts with this; start-up recovery removes them. */
export const TEMP_PREFIX = '.tmp-';

export function tempName(): string {
  return `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`;
}

export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}

/** ENOSPC (no space) and EDQUOT (quota) both mean "this disk takes no more bytes now". */
export function isDiskFull(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Flushes a folder's entries (names created, renamed, removed). Windows cannot open a
 * folder for fsync and NTFS journals its metadata, so it is skipped there; file systems
 * that refuse a folder fsync (EINVAL, some network mounts) are accepted as they are.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    if (errnoCode(err) !== 'EINVAL' && errnoCode(err) !== 'ENOTSUP') throw err;
  } finally {
    await fh.close();
  }
}

/** Creates a folder (private to the user) and makes its name durable; true when it was created. */
export async function mkdirDurable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  await fsyncDir(dirname(dir));
  return true;
}

/**
 * Writes `name` in `dir` atomically and durably: temp file, fsync, rename, fsync folder.
 * `tmp` is the temporary file's name in `dir`; callers whose start-up cleans leftovers by
 * another pattern than TEMP_PREFIX pass their own.
 */
export async function writeFileDurable(dir: string, name: string, data: string | Buffer, tmp: string = tempName()): Promise<void> {
  const tmpPath = join(dir, tmp);
  try {
    const fh = await open(tmpPath, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmpPath, join(dir, name));
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Removes a file (absent is fine) and makes the removal durable; true when it existed. */
export async function removeFileDurable(path: string): Promise<boolean> {
  try {
    await unlink(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(dirname(path));
  return true;
}
