// Test helpers for the capture listener tests: a client socket that writes raw protocol
// bytes by hand and records everything it gets back and how the connection ended, and a
// logger that records what the listener logged.

import net from 'node:net';
import type { Logger, LogMeta } from '../../../main/log/types.js';

export interface LogEntry {
  readonly level: 'critical' | 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly meta: LogMeta;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  codes(): string[];
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, meta: LogMeta = {}): void => {
    entries.push({ level, message, meta });
  };
  const l: RecordingLogger = {
    entries,
    critical: at('critical'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => l,
    codes: () => entries.map((e) => e.meta.code).filter((c): c is string => typeof c === 'string'),
  };
  return l;
}

export type Ending = 'fin' | 'reset' | 'open';

/** A hand-driven client connection. */
export class Peer {
  readonly socket: net.Socket;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private waiters: (() => void)[] = [];
  ending: Ending = 'open';
  error: (Error & { code?: string }) | null = null;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.received.push(d);
      this.receivedBytes += d.length;
      this.notify();
    });
    socket.on('end', () => {
      if (this.ending === 'open') this.ending = 'fin';
      this.notify();
    });
    socket.on('error', (e: Error & { code?: string }) => {
      this.error = e;
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') this.ending = 'reset';
      this.notify();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.notify();
      resolve();
    }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host, allowHalfOpen: true });
      s.once('connect', () => resolve(new Peer(s)));
      s.once('error', reject);
    });
  }

  get data(): Buffer {
    return Buffer.concat(this.received);
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Writes one byte at a time, letting each go out as its own segment. */
  async writeSlowly(bytes: Buffer | string, delayMs = 1): Promise<void> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    for (let i = 0; i < b.length; i++) {
      await this.write(b.subarray(i, i + 1));
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }

  /** Our FIN; the server may still answer (half-open). */
  end(): void {
    this.socket.end();
  }

  /** Waits until at least `n` bytes arrived in total, or the connection ended. */
  async waitBytes(n: number, timeoutMs = 5000): Promise<Buffer> {
    await this.until(() => this.receivedBytes >= n || this.socket.destroyed || this.ending !== 'open', timeoutMs, `${n} bytes`);
    return this.data;
  }

  /** Waits until the server closed its side (FIN or RST). */
  async waitEnd(timeoutMs = 5000): Promise<Ending> {
    await this.until(() => this.ending !== 'open' || this.socket.destroyed, timeoutMs, 'the end of the connection');
    if (this.ending === 'open') this.ending = 'reset';
    return this.ending;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.receivedBytes} bytes, ending ${this.ending}`)), timeoutMs);
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
