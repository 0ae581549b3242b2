// Receiving an uploaded document: the request body streamed into a temporary file in
// the owner's folder, hashed and counted as it passes, with hard limits (declared size,
// server maximum) and a body idle timeout. Nothing is kept unless size and sha256 match
// what the metadata announced; the caller renames the file only then.
//
// The bytes go to the disk through DocumentWriter (1 MiB blocks, several writes at once,
// direct I/O where the file system has it) while the next ones are received and hashed.

import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import { bodyBatches } from './body-batches.js';
import { DocumentWriter } from './document-writer.js';

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

/** Streams `req` into `tempPath` (created exclusively), fsyncs it; removes it on any failure. */
export async function receiveDocument(req: IncomingMessage, tempPath: string, limits: ReceiveLimits): Promise<Received> {
  const writer = await DocumentWriter.create(tempPath, { sizeHint: limits.expectedSize });
  const hash = createHash('sha256');
  let size = 0;
  let ok = false;
  try {
    for await (const chunks of bodyBatches(req, limits.idleMs)) {
      for (const chunk of chunks) {
        size += chunk.length;
        if (size > limits.expectedSize) {
          throw new ApiError(413, 'SIZE_MISMATCH', `the document is larger than the ${limits.expectedSize} bytes its metadata announced`);
        }
        hash.update(chunk);
        await writer.write(chunk);
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
    await writer.finish();
    ok = true;
    return { size, sha256 };
  } finally {
    await writer.close();
    if (!ok) await unlink(tempPath).catch(() => undefined);
  }
}
