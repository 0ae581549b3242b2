// The tracker's one naming rule on top of the shared durable moves (main/util/durable-fs.ts):
// its temporary files are named after the file they replace, so start-up removes only the
// leftovers of DJTReport.xml and nothing else in the data folder.

import { randomBytes } from 'node:crypto';
import { writeFileDurable } from '../util/durable-fs.js';

/** The temporary name used while `name` is replaced; start-up removes leftovers of a crash. */
export function tempPrefix(name: string): string {
  return `${name}.tmp-`;
}

/** Replaces dir/name atomically and durably: temp file, fsync, rename, fsync folder. */
export async function replaceFileDurable(dir: string, name: string, data: string | Buffer): Promise<void> {
  await writeFileDurable(dir, name, data, `${tempPrefix(name)}${randomBytes(6).toString('hex')}`);
}
