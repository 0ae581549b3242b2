// The stable id that marks this workstation's value in the directory. Not the address
// (DHCP and VPN change it) and not the host name (renamed, or duplicated by imaging):
// a random UUID made once and kept in the data folder.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WORKSTATION_ID_FILE = 'workstation-id';
const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function loadOrCreateWorkstationId(dataDir: string): Promise<string> {
  const file = join(dataDir, WORKSTATION_ID_FILE);
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (VALID.test(id)) return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const id = randomUUID();
  await mkdir(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${id}\n`, { mode: 0o644 });
  await rename(tmp, file);
  return id;
}
