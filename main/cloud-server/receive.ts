// Receiving an uploaded document: the request body streamed into a temporary file in
// the owner's folder, hashed and counted as it passes, with hard limits (declared size,
// server maximum) and a body idle timeout. Nothing is kept unless size and sha256 match
// what the metadata announced; the caller renames the file only then.

import { createHash } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import { idleChunks } from './idle-chunks.js';

export interface ReceiveLimits {
  /** The size the metadata announced: one byte more is refused. */
  readonly expectedSize: number;
  readonly expectedSha256: string;
  /** Longest pause between two body chunks. */
  readonly idleMs: number;
  /** Test hook: awaited after each chunk is written (lets a test hold the upload mid-way). */
  readonly onChunk?: (received: number) => Promise<void> | void;
}

export interface Received {
  readonly size: number;
  readonly sha256: string;
}

/** Streams `req` into `tempPath` (created exclusively), fsyncs it; removes it on any failure. */
export async function receiveDocument(req: IncomingMessage, tempPath: string, limits: ReceiveLimits): Promise<Received> {
  const fh = await open(tempPath, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  let ok = false;
  try {
    for await (const chunk of idleChunks(req, limits.idleMs)) {
      size += chunk.length;
      if (size > limits.expectedSize) {
        throw new ApiError(413, 'SIZE_MISMATCH', `the document is larger than the ${limits.expectedSize} bytes its metadata announced`);
      }
      hash.update(chunk);
      await fh.write(chunk);
      if (limits.onChunk) await limits.onChunk(size);
    }
    if (!req.complete) throw new ApiError(400, 'INCOMPLETE_BODY', 'the upload ended before the whole document arrived');
    if (size !== limits.expectedSize) {
      throw new ApiError(400, 'SIZE_MISMATCH', `received ${size} bytes, the metadata announced ${limits.expectedSize}`);
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== limits.expectedSha256) {
      throw new ApiError(422, 'DIGEST_MISMATCH', 'the sha256 of the received document is not the one its metadata announced');
    }
    await fh.sync();
    ok = true;
    return { size, sha256 };
  } finally {
    await fh.close().catch(() => undefined);
    if (!ok) await unlink(tempPath).catch(() => undefined);
  }
}
