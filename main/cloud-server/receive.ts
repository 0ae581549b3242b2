// Receiving an uploaded document: the request body streamed into a temporary file in
// the owner's folder, hashed and counted as it passes, with hard limits (declared size,
// server maximum) and a body idle timeout. Nothing is kept unless size and sha256 match
// what the metadata announced; the caller renames the file only then.
//
// TLS hands the body over in 16 KiB records. Writing each one and waiting for it would
// cost a thread-pool round trip per record, so records are gathered into batches of
// about 1 MiB, and a few batches are written (each at its offset) while the next one is
// received and hashed.

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import { bodyBatches } from './body-batches.js';

export interface ReceiveLimits {
  /** The size the metadata announced: one byte more is refused. */
  readonly expectedSize: number;
  readonly expectedSha256: string;
  /** Longest pause between two body chunks. */
  readonly idleMs: number;
  /** Test hook: awaited after each chunk is received (lets a test hold the upload mid-way). */
  readonly onChunk?: (received: number) => Promise<void> | void;
}

export interface Received {
  readonly size: number;
  readonly sha256: string;
}

/** Bytes gathered before a batch goes to the disk. */
const BATCH_BYTES = 1024 * 1024;
/** Batches being written at once (positional writes, each on a thread-pool thread). */
const WRITES_IN_FLIGHT = 3;

async function writeAllAt(fh: FileHandle, chunks: Buffer[], position: number): Promise<void> {
  let rest = chunks;
  let at = position;
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest, at);
    at += bytesWritten;
    // A short write: drop what went out and write the remainder.
    const left: Buffer[] = [];
    for (const c of rest) {
      if (bytesWritten >= c.length) bytesWritten -= c.length;
      else {
        left.push(bytesWritten > 0 ? c.subarray(bytesWritten) : c);
        bytesWritten = 0;
      }
    }
    rest = left;
  }
}

/** Streams `req` into `tempPath` (created exclusively), fsyncs it; removes it on any failure. */
export async function receiveDocument(req: IncomingMessage, tempPath: string, limits: ReceiveLimits): Promise<Received> {
  const fh = await open(tempPath, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  let ok = false;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let written = 0;
  // Writes under way; the first failure is kept and thrown by the next flush.
  const writing = new Set<Promise<void>>();
  let writeError: unknown = null;
  const flush = async (): Promise<void> => {
    while (writing.size >= WRITES_IN_FLIGHT) await Promise.race(writing);
    if (writeError) throw writeError;
    if (batchBytes === 0) return;
    const w: Promise<void> = writeAllAt(fh, batch, written).then(
      () => void writing.delete(w),
      (err: unknown) => {
        writeError ??= err;
        writing.delete(w);
      },
    );
    writing.add(w);
    written += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  const drain = async (): Promise<void> => {
    await Promise.all(writing);
    if (writeError) throw writeError;
  };
  try {
    for await (const chunks of bodyBatches(req, limits.idleMs)) {
      for (const chunk of chunks) {
        size += chunk.length;
        if (size > limits.expectedSize) {
          throw new ApiError(413, 'SIZE_MISMATCH', `the document is larger than the ${limits.expectedSize} bytes its metadata announced`);
        }
        hash.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= BATCH_BYTES) await flush();
        if (limits.onChunk) await limits.onChunk(size);
      }
    }
    if (!req.complete) throw new ApiError(400, 'INCOMPLETE_BODY', 'the upload ended before the whole document arrived');
    if (size !== limits.expectedSize) {
      throw new ApiError(400, 'SIZE_MISMATCH', `received ${size} bytes, the metadata announced ${limits.expectedSize}`);
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== limits.expectedSha256) {
      throw new ApiError(422, 'DIGEST_MISMATCH', 'the sha256 of the received document is not the one its metadata announced');
    }
    await flush();
    await drain();
    await fh.sync();
    ok = true;
    return { size, sha256 };
  } finally {
    // Writes still in flight finish before the handle closes.
    await Promise.all(writing);
    await fh.close().catch(() => undefined);
    if (!ok) await unlink(tempPath).catch(() => undefined);
  }
}
