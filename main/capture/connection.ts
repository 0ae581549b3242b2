// What a protocol handler gets for one accepted connection, and the three ways a
// connection ends: gracefully (our FIN after the job is stored), refused (a final byte
// such as LPD `\1`, then FIN), or reset (RST, so CUPS sees a write error and retries).

import type { Socket } from 'node:net';
import type { CaptureSettings, ModeKind } from '../config/types.js';
import type { Logger, LogMeta } from '../log/types.js';
import { errorCode } from '../util/errors.js';
import type { CaptureContext, CaptureProtocol, CaptureSink, JobReceiver } from './types.js';
import { LINGER_MS, type CaptureLogCode } from './limits.js';
import type { SocketReader } from './socket-reader.js';

export interface ConnectionContext {
  readonly socket: Socket;
  readonly reader: SocketReader;
  /** `address:port` of the client, for logs. */
  readonly peer: string;
  readonly mode: ModeKind;
  readonly settings: CaptureSettings;
  readonly sink: CaptureSink;
  readonly logger: Logger;
  /** The mode's queue name, for ProtocolMeta.queue when the protocol names none. */
  readonly queueName: string;
  readonly describeQueue?: (queue: string, long: boolean) => Promise<string>;
}

export function captureContext(ctx: ConnectionContext, protocol: CaptureProtocol): CaptureContext {
  return { protocol, mode: ctx.mode, peer: ctx.peer };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Every outcome that is not a stored job is logged with its code, the peer and the protocol. */
export function logOutcome(
  ctx: Pick<ConnectionContext, 'logger' | 'peer' | 'mode'>,
  level: LogLevel,
  code: CaptureLogCode | (string & NonNullable<unknown>),
  protocol: CaptureProtocol | 'unknown',
  message: string,
  extra: LogMeta = {},
): void {
  ctx.logger[level](message, { code, peer: ctx.peer, protocol, mode: ctx.mode, ...extra });
}

/** Which level a failure code is logged at: the peer's fault is a warning, ours an error. */
export function levelFor(code: string): LogLevel {
  switch (code) {
    case 'DISK_FULL':
    case 'SPOOL_UNAVAILABLE':
    case 'UNKNOWN':
      return 'error';
    case 'JOB_ABORTED':
      return 'info';
    default:
      return 'warn';
  }
}

/** Aborts a receiver, logging (never throwing) when even that fails. */
export async function abortQuietly(ctx: ConnectionContext, receiver: JobReceiver | null, code: string): Promise<void> {
  if (!receiver) return;
  try {
    await receiver.abort(code);
  } catch (err) {
    ctx.logger.error('could not discard a partial job', { code: errorCode(err), peer: ctx.peer, cause: String(err) });
  }
}

/** RST: the client sees an error, not a clean end, and retries the job later. */
export function resetConnection(socket: Socket): void {
  if (socket.destroyed) return;
  // After our FIN an RST is pointless, and setting SO_LINGER then fails (EINVAL) in a way
  // that leaves Node without a 'close' event: just destroy.
  if (socket.writableEnded) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * Sends `last` (if any) and our FIN, then drains whatever the client still sends so the
 * kernel does not answer unread data with an RST that could overtake `last`; destroys the
 * socket when the client closes or after LINGER_MS.
 */
export function endGracefully(ctx: ConnectionContext, last?: Buffer | string): void {
  const { socket } = ctx;
  ctx.reader.detach();
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.on('data', () => undefined);
  socket.on('end', () => socket.destroy());
  if (last === undefined) socket.end();
  else socket.end(last);
  socket.resume();
}
