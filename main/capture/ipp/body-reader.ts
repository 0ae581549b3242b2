// Pull-style reading of an HTTP request body. The IPP handler reads the attribute part,
// then the document chunk by chunk, awaiting the spool between chunks (back-pressure),
// and may stop early. It does not use `for await`, because leaving such a loop destroys
// the stream: an early IPP error answer must drain the body instead, so that the
// keep-alive connection stays usable for the client's next request.
import type { Readable } from 'node:stream';
import { CaptureError } from '../../util/errors.js';

const STOPPED = Symbol('stopped');

export class BodyReader {
  private ended = false;
  private failure: Error | null = null;
  private cancelled: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly onReadable = (): void => this.notify();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (err: Error): void => {
    this.failure ??= new CaptureError('CONNECTION_RESET', `request body failed: ${err.message}`, { cause: err });
    this.notify();
  };
  private readonly onClose = (): void => {
    if (!this.ended) this.failure ??= new CaptureError('CONNECTION_RESET', 'the client closed the connection before the request ended');
    this.notify();
  };
  /** Body bytes handed out or discarded so far. */
  bytesRead = 0;

  constructor(private readonly stream: Readable) {
    stream.on('readable', this.onReadable);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
    stream.on('close', this.onClose);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next chunk, or null at the end of the body. Rejects when the client is gone or cancel() was called. */
  async next(): Promise<Buffer | null> {
    const c = await this.read(() => this.cancelled !== null);
    if (c === STOPPED) throw this.cancelled ?? new Error('body reader stopped');
    return c;
  }

  /** Makes next() reject (Cancel-Job during an upload); drain() still works. */
  cancel(err: Error): void {
    this.cancelled ??= err;
    this.notify();
  }

  /**
   * Reads and discards the rest of the body. True when the body ended; false when it was
   * still going after maxBytes or timeoutMs, or the connection failed: the caller must
   * then close the connection.
   */
  async drain(maxBytes: number, timeoutMs: number): Promise<boolean> {
    let discarded = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.notify();
    }, timeoutMs);
    timer.unref();
    try {
      for (;;) {
        const c = await this.read(() => timedOut);
        if (c === STOPPED) return false;
        if (c === null) return true;
        discarded += c.length;
        if (discarded > maxBytes) return false;
      }
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  detach(): void {
    this.stream.off('readable', this.onReadable);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.off('close', this.onClose);
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async read(stop: () => boolean): Promise<Buffer | null | typeof STOPPED> {
    for (;;) {
      if (stop()) return STOPPED;
      const c = this.stream.read() as Buffer | null;
      if (c !== null) {
        this.bytesRead += c.length;
        return c;
      }
      if (this.ended) return null;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
