// Durable "logout under way" markers, so a logout cut short by a crash or power loss is
// finished at the next start: <dataDir>/logout-pending/<sanitized user>, written with
// temp file + fsync + rename + folder fsync before the logout starts and removed when
// it has finished. A marker holds the user and a time, never anything about tokens.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, mkdirDurable, removeFileDurable, TEMP_PREFIX, writeFileDurable } from '../util/durable-fs.js';

export const LOGOUT_PENDING_DIR = 'logout-pending';

/** A file name for a user: readable, no path characters, unique even after sanitizing. */
export function markerName(user: string): string {
  const readable = user.toLowerCase().replace(/[^a-z0-9._@-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
  const hash = createHash('sha256').update(user.toLowerCase()).digest('hex').slice(0, 12);
  return `${readable}-${hash}.json`;
}

export class LogoutJournal {
  readonly dir: string;
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.dir = join(dataDir, LOGOUT_PENDING_DIR);
  }

  async begin(user: string): Promise<void> {
    await mkdir(this.#dataDir, { recursive: true, mode: 0o700 });
    await mkdirDurable(this.dir);
    await writeFileDurable(this.dir, markerName(user), `${JSON.stringify({ user, startedAt: new Date().toISOString() })}\n`);
  }

  async end(user: string): Promise<void> {
    await removeFileDurable(join(this.dir, markerName(user)));
  }

  /** Users whose logout did not finish. Leftover temporary files are removed. */
  async pending(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const users: string[] = [];
    for (const name of names.sort()) {
      const path = join(this.dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      let user: unknown;
      try {
        user = (JSON.parse(await readFile(path, 'utf8')) as { user?: unknown }).user;
      } catch {
        user = undefined;
      }
      if (typeof user === 'string' && user.length > 0 && markerName(user) === name) users.push(user);
      else await removeFileDurable(path); // not ours, or unreadable: nothing to resume from it
    }
    return users;
  }
}
