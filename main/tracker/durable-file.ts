// Atomic, durable replacement and removal of one file (the same moves as the spool's
// durable-fs, kept here so the tracker does not depend on the spool): a file is durable
// once its bytes are fsync'ed and the folder holding its name is fsync'ed.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}

/**
 * Flushes a folder's entries. Windows cannot fsync a folder (NTFS journals metadata);
 * file systems that refuse it (EINVAL, some network mounts) are accepted as they are.
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

/** The temporary name used while `name` is replaced; start-up removes leftovers of a crash. */
export function tempPrefix(name: string): string {
  return `${name}.tmp-`;
}

/** Replaces dir/name atomically and durably: temp file, fsync, rename, fsync folder. */
export async function replaceFileDurable(dir: string, name: string, data: string | Buffer): Promise<void> {
  const tmp = join(dir, `${tempPrefix(name)}${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Removes a file (absent is fine) durably; true when it existed. */
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
