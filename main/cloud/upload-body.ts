// An upload body streamed from the stored file, never buffered: a read stream piped
// through a byte counter, with a watchdog that aborts the request when the server stops
// reading (back-pressure held longer than the idle limit).

import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { CloudError } from './errors.js';

export interface UploadBody {
  readonly stream: Readable;
  readonly size: number;
  /** Bytes handed to the connection so far. */
  sent(): number;
  /** Stops the watchdog and closes the file (idempotent). */
  close(): Promise<void>;
}

const CHUNK = 256 * 1024;

/**
 * Opens `path` for upload. Rejects with DOCUMENT_UNREADABLE when it is missing or its size
 * is not `expectedSize` (the spool's record and the file disagree: sending it would fail
 * at the server's size check anyway). `onStall` runs once if no byte moves for `idleMs`.
 */
export async function openUploadBody(path: string, expectedSize: number, idleMs: number, onStall: (err: CloudError) => void): Promise<UploadBody> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : 'error';
    throw new CloudError('DOCUMENT_UNREADABLE', `the stored document cannot be read (${code})`);
  }
  const { size } = await fh.stat();
  if (size !== expectedSize) {
    await fh.close();
    throw new CloudError('DOCUMENT_UNREADABLE', `the stored document has ${size} bytes, its record says ${expectedSize}`);
  }
  let sent = 0;
  let last = Date.now();
  let done = false;
  const counter = new Transform({
    highWaterMark: CHUNK,
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      last = Date.now();
      cb(null, chunk);
    },
  });
  counter.on('end', () => {
    done = true;
  });
  const file = fh.createReadStream({ highWaterMark: CHUNK, autoClose: false });
  file.on('error', (err) => counter.destroy(err));
  file.pipe(counter);
  // Checked a few times per idle period: one timer per upload, not one per chunk.
  const tick = Math.max(50, Math.min(1000, Math.floor(idleMs / 4)));
  const watchdog = setInterval(() => {
    if (done) return;
    if (Date.now() - last > idleMs) {
      clearInterval(watchdog);
      onStall(new CloudError('CLOUD_TIMEOUT', `upload: the cloud server read nothing for ${Math.round(idleMs / 1000)} s`, { cause: { code: 'UPLOAD_STALLED' } }));
    }
  }, tick);
  watchdog.unref();
  let closed: Promise<void> | null = null;
  return {
    stream: counter,
    size,
    sent: () => sent,
    close() {
      closed ??= (async () => {
        clearInterval(watchdog);
        file.unpipe(counter);
        file.destroy();
        await fh.close().catch(() => undefined);
      })();
      return closed;
    },
  };
}
