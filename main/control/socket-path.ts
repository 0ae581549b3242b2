import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir, userInfo } from 'node:os';

// sun_path holds 104 (macOS) to 108 (Linux) bytes including the terminator.
const MAX_UNIX_PATH = 100;

/**
 * Where the engine's control channel listens: a Unix socket in the data folder (owner-only
 * permissions decide who may talk), or a per-user named pipe on Windows. A data folder
 * whose path is too long for a socket falls back to a hashed name in the temp folder.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') {
    let user = 'user';
    try {
      user = userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
    } catch {
      // keep the generic name
    }
    return `\\\\.\\pipe\\pullprint-${user}-${digest}`;
  }
  const inData = join(dataDir, 'control.sock');
  if (Buffer.byteLength(inData) <= MAX_UNIX_PATH) return inData;
  return join(tmpdir(), `pullprint-${process.getuid?.() ?? 0}-${digest}.sock`);
}
