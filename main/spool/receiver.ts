// One job being received: bytes go straight to a temporary file in the destination
// folder, through a sha256 hash and the PDL inspector, in one pass (nothing is buffered
// beyond the chunk in hand). commit() flushes the file, lets the inspector read the
// stored file (PDF), then hands over to the spool, which names, moves and records it.

import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { unlink } from 'node:fs/promises';
import type { CommittedJob, JobReceiver, ProtocolMeta } from '../capture/types.js';
import type { Logger } from '../log/types.js';
import type { JobInspector, PdlFacts } from '../pdl/types.js';
import { CaptureError } from '../util/errors.js';
import { isDiskFull } from '../util/durable-fs.js';
import { unknownFacts } from './facts.js';
import { Serial } from './serial.js';

/** What a finished receiver hands to the spool. */
export interface ReceivedJob {
  tempPath: string;
  size: number;
  sha256: string;
  facts: PdlFacts;
  meta: ProtocolMeta;
}

export interface ReceiverDeps {
  handle: FileHandle;
  tempPath: string;
  maxBytes: number;
  inspector: JobInspector;
  logger: Logger;
  /** Stores the job durably; on failure it removes whatever it moved or created. */
  store(job: ReceivedJob): Promise<CommittedJob>;
  /** Called once, when the receiver is finished one way or another. */
  done(): void;
}

type Phase = 'open' | 'committing' | 'committed' | 'aborted' | 'failed';

/** Maps a file-system error to the typed error the protocol handlers expect. */
export function toCaptureError(err: unknown, doing: string): CaptureError {
  if (err instanceof CaptureError) return err;
  if (isDiskFull(err)) return new CaptureError('DISK_FULL', `disk full while ${doing}`, { cause: err });
  return new CaptureError('SPOOL_UNAVAILABLE', `spool failed while ${doing}: ${String(err)}`, { cause: err });
}

export class SpoolReceiver implements JobReceiver {
  private phase: Phase = 'open';
  private failure: CaptureError | null = null;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly serial = new Serial();
  private commitP: Promise<CommittedJob> | null = null;
  private handleClosed = false;

  constructor(private readonly d: ReceiverDeps) {}

  get bytesReceived(): number {
    return this.bytes;
  }

  write(chunk: Buffer): Promise<void> {
    return this.serial.run(async () => {
      this.assertOpen();
      if (this.bytes + chunk.length > this.d.maxBytes) {
        throw await this.fail(new CaptureError('JOB_TOO_LARGE', `job exceeds ${this.d.maxBytes} bytes`));
      }
      // Start the disk write first, then hash and inspect while the thread pool writes:
      // the CPU work and the I/O overlap instead of adding up.
      const written = this.writeFully(chunk);
      this.hash.update(chunk);
      try {
        this.d.inspector.push(chunk);
      } catch (err) {
        // The inspector promises never to throw; if it does, the job is still stored.
        this.d.logger.warn('PDL inspector threw on push', { error: String(err) });
      }
      try {
        await written;
      } catch (err) {
        throw await this.fail(toCaptureError(err, 'writing a job'));
      }
      this.bytes += chunk.length;
    });
  }

  private async writeFully(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.d.handle.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
  }

  sync(): Promise<void> {
    return this.serial.run(async () => {
      this.assertOpen();
      try {
        await this.d.handle.sync();
      } catch (err) {
        throw await this.fail(toCaptureError(err, 'flushing a job'));
      }
    });
  }

  commit(meta: ProtocolMeta): Promise<CommittedJob> {
    if (this.commitP) return this.commitP;
    this.commitP = this.serial.run(async () => {
      this.assertOpen();
      this.phase = 'committing';
      try {
        await this.d.handle.sync();
        await this.closeHandle();
        let facts: PdlFacts;
        try {
          facts = await this.d.inspector.finish(this.d.tempPath);
        } catch (err) {
          this.d.logger.warn('PDL inspector failed on finish', { error: String(err) });
          facts = unknownFacts('INSPECTOR_FAILED');
        }
        const job = await this.d.store({
          tempPath: this.d.tempPath, size: this.bytes, sha256: this.hash.digest('hex'), facts, meta,
        });
        this.phase = 'committed';
        this.d.done();
        return job;
      } catch (err) {
        throw await this.fail(toCaptureError(err, 'committing a job'));
      }
    });
    return this.commitP;
  }

  async abort(code: string): Promise<void> {
    await this.stop(new CaptureError('JOB_ABORTED', `job aborted (${code})`));
    this.d.logger.debug('job aborted', { code, bytes: this.bytes });
  }

  /** The spool is closing: a job not yet committing is dropped; a commit under way finishes. */
  shutdown(): Promise<void> {
    return this.stop(new CaptureError('SPOOL_UNAVAILABLE', 'the spool closed before the job was committed'));
  }

  private async stop(reason: CaptureError): Promise<void> {
    if (this.commitP) {
      // A commit under way decides; stopping never undoes a stored job.
      await this.commitP.catch(() => undefined);
      return;
    }
    if (this.phase !== 'open') return;
    this.phase = 'aborted';
    this.failure = reason;
    // Runs after a write already in flight, so the handle is free to close.
    await this.serial.run(() => this.cleanup());
  }

  private assertOpen(): void {
    if (this.phase === 'open') return;
    throw this.failure ?? new CaptureError('JOB_ABORTED', 'job is no longer open');
  }

  /** Marks the receiver failed, removes the temporary file and returns the error to throw. */
  private async fail(err: CaptureError): Promise<CaptureError> {
    if (this.phase === 'open' || this.phase === 'committing') {
      this.phase = 'failed';
      this.failure = err;
      await this.cleanup();
    }
    return this.failure ?? err;
  }

  private async closeHandle(): Promise<void> {
    if (this.handleClosed) return;
    this.handleClosed = true;
    await this.d.handle.close();
  }

  private async cleanup(): Promise<void> {
    await this.closeHandle().catch(() => undefined);
    await unlink(this.d.tempPath).catch(() => undefined);
    this.d.done();
  }
}
