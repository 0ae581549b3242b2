// Release to a port-9100 (AppSocket / "raw") printer: connect, stream the document, half-
// close, then wait for the printer to close its side, which is how a raw printer says it
// has taken the job (CUPS's socket backend waits the same way). A printer that keeps the
// connection open past `closeWaitMs` after receiving everything is taken as done: the
// bytes were all acknowledged by TCP by then.

import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from '../log/types.js';
import { PullPrintError } from '../util/errors.js';
import { corkPerTick } from './cork-per-tick.js';
import { ReleaseError } from './errors.js';
import { classifyNetworkError } from './network-errors.js';

export interface SocketDeliveryOptions {
  readonly host: string;
  readonly port: number;
  readonly document: Readable;
  readonly connectTimeoutMs?: number;
  /** No progress for this long while sending: PRINTER_TIMEOUT. */
  readonly idleTimeoutMs?: number;
  /** After the last byte, how long to wait for the printer to close. */
  readonly closeWaitMs?: number;
  readonly logger: Logger;
}

export interface SocketDeliveryResult {
  readonly bytesSent: number;
  /** False when the printer kept the connection open past closeWaitMs. */
  readonly closedByPrinter: boolean;
}

function connectTo(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: false });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new ReleaseError('PRINTER_UNREACHABLE', `no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(classifyNetworkError(err, `${host}:${port}`, false));
    });
  });
}

export async function deliverToSocket(o: SocketDeliveryOptions): Promise<SocketDeliveryResult> {
  let sock: Socket;
  try {
    sock = await connectTo(o.host, o.port, o.connectTimeoutMs ?? 10_000);
  } catch (err) {
    o.document.destroy();
    throw err;
  }
  const idleMs = o.idleTimeoutMs ?? 60_000;
  const closeWaitMs = o.closeWaitMs ?? 15_000;
  return new Promise<SocketDeliveryResult>((resolve, reject) => {
    let bytes = 0;
    let settled = false;
    let closeTimer: NodeJS.Timeout | null = null;
    const finish = (err: Error | null, closedByPrinter = true): void => {
      if (settled) return;
      settled = true;
      if (closeTimer) clearTimeout(closeTimer);
      sock.setTimeout(0);
      o.document.unpipe(sock);
      if (err) {
        o.document.destroy();
        sock.destroy();
        reject(err);
      } else {
        sock.destroy();
        resolve({ bytesSent: bytes, closedByPrinter });
      }
    };
    sock.setTimeout(idleMs, () => finish(new ReleaseError('PRINTER_TIMEOUT', `the printer ${o.host}:${o.port} took nothing for ${idleMs} ms`)));
    // Back-channel data (status, PJL USTATUS) is read and dropped so the printer never blocks on it.
    sock.on('data', () => undefined);
    sock.on('error', (err) => finish(classifyNetworkError(err, `${o.host}:${o.port}`, true)));
    sock.on('close', () => {
      if (!sock.writableFinished) finish(new ReleaseError('PRINTER_CONNECTION_LOST', `the printer ${o.host}:${o.port} closed the connection after ${bytes} bytes`));
      else finish(null, true);
    });
    sock.on('finish', () => {
      o.logger.debug('document sent to the raw printer, waiting for it to close', { bytes });
      closeTimer = setTimeout(() => {
        o.logger.warn('the raw printer kept the connection open after the job; taking the job as delivered', { printer: `${o.host}:${o.port}`, waitedMs: closeWaitMs });
        finish(null, false);
      }, closeWaitMs);
    });
    o.document.on('data', (b: Buffer) => {
      bytes += b.length;
    });
    corkPerTick(o.document, sock);
    o.document.once('error', (err) => {
      finish(err instanceof PullPrintError ? err : new ReleaseError('DOCUMENT_UNREADABLE', `reading the document failed: ${err.message}`, {}, { cause: err }));
    });
    o.document.pipe(sock);
  });
}
