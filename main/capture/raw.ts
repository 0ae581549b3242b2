// RAW / AppSocket (PROTOCOLS §3): one connection is one job, ended by the client's FIN.
// We read to EOF, commit (fsync + rename in the sink), and only then send our FIN. Any
// failure resets the connection (RST) so CUPS or Windows report a write error and retry;
// a clean FIN before the job is stored would tell them it was delivered.
//
// Nothing is stored for a connection that sent no byte, or only PJL framing (a status
// query): the first bytes are held in memory until they prove to be a job (a byte that is
// not UEL/PJL/whitespace), and only then is a receiver opened. So such a connection never
// creates a temporary file at all.

import { CaptureError, errorCode } from '../util/errors.js';
import type { JobReceiver } from './types.js';
import {
  abortQuietly, captureContext, endGracefully, levelFor, logOutcome, resetConnection,
  type ConnectionContext,
} from './connection.js';
import { RAW_QUERY_PROBE_MAX, READ_CHUNK_MAX } from './limits.js';
import { PjlQueryScanner } from './raw-status-query.js';

export async function receiveRaw(ctx: ConnectionContext): Promise<void> {
  const scanner = new PjlQueryScanner();
  let held: Buffer[] = [];
  let heldBytes = 0;
  let total = 0;
  let receiver: JobReceiver | null = null;
  // One write may be in flight while the next chunk is read (double buffering): the socket
  // and the disk work at the same time, and back-pressure still holds at one chunk.
  let inFlight: Promise<void> | null = null;
  try {
    for (;;) {
      const chunk = await ctx.reader.readChunk(READ_CHUNK_MAX);
      if (chunk === null) break;
      total += chunk.length;
      if (total > ctx.settings.maxJobSizeBytes) {
        throw new CaptureError('JOB_TOO_LARGE', `job exceeds ${ctx.settings.maxJobSizeBytes} bytes`);
      }
      if (receiver) {
        if (inFlight) await inFlight;
        inFlight = receiver.write(chunk);
        // Observed when awaited; this only keeps a failure from counting as unhandled meanwhile.
        inFlight.catch(() => undefined);
        continue;
      }
      // Copy: the reader's buffer may be reused by later reads.
      held.push(Buffer.from(chunk));
      heldBytes += chunk.length;
      if (scanner.feed(chunk) || heldBytes > RAW_QUERY_PROBE_MAX) {
        receiver = await ctx.sink.begin(captureContext(ctx, 'raw'));
        for (const h of held) await receiver.write(h);
        held = [];
      }
    }
    if (!receiver) {
      notAJob(ctx, total, scanner);
      endGracefully(ctx);
      return;
    }
    if (inFlight) await inFlight;
    const job = await receiver.commit({ protocol: 'raw', queue: ctx.queueName });
    ctx.logger.info('RAW job stored', { peer: ctx.peer, protocol: 'raw', mode: ctx.mode, jobId: job.id, size: job.size });
    endGracefully(ctx);
  } catch (err) {
    const code = errorCode(err);
    if (inFlight) await inFlight.catch(() => undefined);
    await abortQuietly(ctx, receiver, code);
    logOutcome(ctx, levelFor(code), code, 'raw', `RAW job not stored: ${messageOf(err)}`, { bytes: total });
    resetConnection(ctx.socket);
  }
}

function notAJob(ctx: ConnectionContext, total: number, scanner: PjlQueryScanner): void {
  if (total === 0) {
    logOutcome(ctx, 'debug', 'PORT_PROBE', 'raw', 'connection closed without data: port probe, nothing stored');
  } else if (scanner.pjlLineCount > 0) {
    logOutcome(ctx, 'info', 'STATUS_QUERY', 'raw', 'PJL commands without a page description: status query, nothing stored', { bytes: total });
  } else {
    logOutcome(ctx, 'info', 'EMPTY_JOB', 'raw', 'only framing bytes (NUL, Ctrl-D, whitespace, UEL): nothing stored', { bytes: total });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
