// A pull-based reader over a socket, for the sniffer and the RAW and LPD handlers.
//
// The socket reads ahead at most READ_AHEAD_BYTES beyond what the handler consumed: while
// a handler awaits the disk (JobReceiver.write/sync/commit) the next bytes keep arriving
// up to that mark, then the socket is paused and TCP pushes back on the client. The idle
// clock runs only while we wait for the peer, never while the peer waits for our disk, so
// a slow disk is not blamed on the client.

import type { Socket } from 'node:net';
import { CaptureError } from '../util/errors.js';

/** How much a connection may buffer ahead of its handler before TCP pushes back. */
export const READ_AHEAD_BYTES = 1024 * 1024;

export type MoreResult = 'data' | 'eof' | 'timeout';

export interface LineResult {
  /** The line without its LF. */
  readonly line: Buffer;
  /** False when EOF came before a LF. */
  readonly complete: boolean;
}

export class SocketReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private eof = false;
  private failure: CaptureError | null = null;
  private wake: (() => void) | null = null;
  private detached = false;
  private readonly idleTimeoutMs: number;
  private paused = true;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Read ahead up to READ_AHEAD_BYTES while the handler is busy (e.g. writing to disk),
    // so the socket and the disk work at the same time; past that TCP pushes back.
    if (!this.wake && this.size >= READ_AHEAD_BYTES) this.pauseSocket();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.eof = true;
    this.notify();
  };
  private readonly onError = (err: Error): void => {
    this.failure ??= new CaptureError('CONNECTION_RESET', `connection failed: ${err.message}`, { cause: err });
    this.notify();
  };
  private readonly onClose = (): void => {
    // Closed without a FIN first: reset by the peer, or destroyed by close()/limits.
    if (!this.eof) this.failure ??= new CaptureError('CONNECTION_RESET', 'connection closed before EOF');
    this.notify();
  };

  constructor(
    private readonly socket: Socket,
    idleTimeoutMs: number,
  ) {
    // 0 (or less) disables the idle limit.
    this.idleTimeoutMs = idleTimeoutMs > 0 ? idleTimeoutMs : Infinity;
    socket.pause();
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.size;
  }

  get ended(): boolean {
    return this.eof && this.size === 0;
  }

  /** The first `max` unconsumed bytes, without consuming them. */
  peek(max = Infinity): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    const all = this.chunks[0] ?? Buffer.alloc(0);
    return all.length > max ? all.subarray(0, max) : all;
  }

  /**
   * Waits until at least one more chunk arrived ('data'), EOF ('eof') or `timeoutMs` of
   * silence ('timeout'). Rejects with IDLE_TIMEOUT after the idle limit, CONNECTION_RESET
   * when the connection failed.
   */
  more(timeoutMs?: number): Promise<MoreResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.eof) return Promise.resolve('eof');
    const before = this.size;
    return new Promise<MoreResult>((resolve, reject) => {
      const limit = Math.min(timeoutMs ?? Infinity, this.idleTimeoutMs);
      const soft = timeoutMs !== undefined && timeoutMs < this.idleTimeoutMs;
      // setTimeout would turn a delay above 2^31-1 ms into 1 ms: no limit means no timer.
      const timer = !Number.isFinite(limit) || limit > 2 ** 31 - 1 ? undefined : setTimeout(() => {
        this.wake = null;
        this.pauseSocket();
        if (soft) resolve('timeout');
        else reject(new CaptureError('IDLE_TIMEOUT', `no byte for ${Math.round(this.idleTimeoutMs / 1000)} s`));
      }, limit);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        if (this.size >= READ_AHEAD_BYTES) this.pauseSocket();
        if (this.size > before) resolve('data');
        else if (this.failure) reject(this.failure);
        else resolve('eof');
      };
      this.paused = false;
      this.socket.resume();
    });
  }

  private pauseSocket(): void {
    this.paused = true;
    this.socket.pause();
  }

  /** Consumes up to `max` bytes; null at EOF. */
  async readChunk(max: number): Promise<Buffer | null> {
    while (this.size === 0) {
      if ((await this.more()) === 'eof') return null;
    }
    // The oldest chunk only (or part of it): no copy on the hot path.
    return this.take(Math.min(max, this.chunks[0].length));
  }

  /** One byte, or null at EOF. */
  async readByte(): Promise<number | null> {
    const b = await this.readChunk(1);
    return b === null ? null : b[0];
  }

  /**
   * Consumes one line up to LF. Null when EOF came before any byte. Throws `tooLong` when
   * `maxLen` bytes arrived without a LF.
   */
  async readLine(maxLen: number, tooLong: () => Error): Promise<LineResult | null> {
    let scanned = 0;
    for (;;) {
      const all = this.peek();
      const lf = all.indexOf(0x0a, scanned);
      if (lf >= 0 && lf <= maxLen) {
        const line = Buffer.from(this.take(lf + 1).subarray(0, lf));
        return { line, complete: true };
      }
      if (all.length > maxLen) throw tooLong();
      scanned = all.length;
      if ((await this.more()) === 'eof') {
        if (this.size === 0) return null;
        return { line: Buffer.from(this.take(this.size)), complete: false };
      }
    }
  }

  /** Stops reading; returns the unconsumed bytes and leaves the socket paused. */
  detach(): Buffer {
    if (!this.detached) {
      this.detached = true;
      this.pauseSocket();
      this.socket.off('data', this.onData);
      this.socket.off('end', this.onEnd);
      this.socket.off('error', this.onError);
      this.socket.off('close', this.onClose);
    }
    const rest = this.peek();
    this.chunks = [];
    this.size = 0;
    return rest;
  }

  private take(n: number): Buffer {
    let out: Buffer;
    const first = this.chunks[0];
    if (first && first.length >= n) {
      // Fast path, no copy: most reads take (part of) the oldest chunk.
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const parts: Buffer[] = [];
      let need = n;
      while (need > 0) {
        const c = this.chunks[0];
        if (c.length <= need) {
          parts.push(c);
          this.chunks.shift();
          need -= c.length;
        } else {
          parts.push(c.subarray(0, need));
          this.chunks[0] = c.subarray(need);
          need = 0;
        }
      }
      out = Buffer.concat(parts, n);
    }
    this.size -= n;
    // Below the low-water mark again: let the socket flow while the handler works.
    if (!this.wake && this.paused && !this.eof && !this.detached && this.size < READ_AHEAD_BYTES / 2) {
      this.paused = false;
      this.socket.resume();
    }
    return out;
  }

  private notify(): void {
    const w = this.wake;
    if (w) w();
  }
}
