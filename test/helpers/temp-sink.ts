// A small CaptureSink for protocol-handler tests: each job goes to a temporary file in a
// folder of its own (write, fsync, rename, fsync the folder), and the committed
// ProtocolMeta is recorded next to it, so tests can compare bytes and metadata. The real
// spool (main/spool/) replaces it in integration tests.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureContext, CaptureSink, CommittedJob, JobReceiver, ProtocolMeta } from '../../main/capture/types.js';
import { CaptureError, type CaptureErrorCode } from '../../main/util/errors.js';

export interface StoredJob {
  readonly job: CommittedJob;
  readonly meta: ProtocolMeta;
  readonly ctx: CaptureContext;
  /** The committed document. */
  readonly path: string;
}

export interface AbortedJob {
  readonly code: string;
  readonly ctx: CaptureContext;
  readonly bytes: number;
}

export interface TempSinkOptions {
  /** write() rejects with JOB_TOO_LARGE past this many bytes (the spool's own limit). */
  maxBytes?: number;
  /** begin() rejects with this code (e.g. DISK_FULL) while set. */
  failBegin?: CaptureErrorCode | null;
  /** Delay before each write resolves, to make back-pressure observable. */
  writeDelayMs?: number;
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export class TempSink implements CaptureSink {
  readonly jobs: StoredJob[] = [];
  readonly aborted: AbortedJob[] = [];
  /** Receivers opened and not yet committed or aborted. */
  open = 0;
  /** The most write() calls ever in flight at once (1 when the caller respects back-pressure). */
  maxConcurrentWrites = 0;
  private writing = 0;
  private seq = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly dir: string,
    readonly options: TempSinkOptions = {},
  ) {}

  async begin(ctx: CaptureContext): Promise<JobReceiver> {
    if (this.options.failBegin) throw new CaptureError(this.options.failBegin, `test sink refuses jobs: ${this.options.failBegin}`);
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    const handle: FileHandle = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let bytes = 0;
    let done = false;
    this.open += 1;
    for (const w of this.waiters.splice(0)) w();
    const finish = (): void => {
      if (!done) {
        done = true;
        this.open -= 1;
      }
    };
    const receiver: JobReceiver = {
      get bytesReceived() {
        return bytes;
      },
      write: async (chunk: Buffer) => {
        if (done) throw new CaptureError('JOB_ABORTED', 'receiver already finished');
        if (this.options.maxBytes !== undefined && bytes + chunk.length > this.options.maxBytes) {
          throw new CaptureError('JOB_TOO_LARGE', `test sink limit ${this.options.maxBytes} bytes`);
        }
        this.writing += 1;
        this.maxConcurrentWrites = Math.max(this.maxConcurrentWrites, this.writing);
        try {
          if (this.options.writeDelayMs) await new Promise((r) => setTimeout(r, this.options.writeDelayMs));
          await handle.write(chunk);
          hash.update(chunk);
          bytes += chunk.length;
        } finally {
          this.writing -= 1;
        }
      },
      sync: async () => {
        await handle.sync();
      },
      commit: async (meta: ProtocolMeta) => {
        if (done) throw new CaptureError('JOB_ABORTED', 'receiver already finished');
        await handle.sync();
        await handle.close();
        this.seq += 1;
        const seq = this.seq;
        const path = join(this.dir, `job-${seq}.bin`);
        await rename(tmp, path);
        const metaTmp = join(this.dir, `.tmp-meta-${seq}`);
        await writeFile(metaTmp, JSON.stringify({ meta, ctx }), { flag: 'wx' });
        const mh = await open(metaTmp, 'r+');
        await mh.sync();
        await mh.close();
        await rename(metaTmp, join(this.dir, `job-${seq}.json`));
        await fsyncDir(this.dir);
        finish();
        const job: CommittedJob = { id: `job-${seq}`, seq, size: bytes, sha256: hash.digest('hex') };
        this.jobs.push({ job, meta, ctx, path });
        for (const w of this.waiters.splice(0)) w();
        return job;
      },
      abort: async (code: string) => {
        if (done) return;
        finish();
        await handle.close().catch(() => undefined);
        await rm(tmp, { force: true });
        this.aborted.push({ code, ctx, bytes });
        for (const w of this.waiters.splice(0)) w();
      },
    };
    return receiver;
  }

  find(seq: number): CommittedJob | undefined {
    return this.jobs.find((j) => j.job.seq === seq)?.job;
  }

  /** Resolves once `count` jobs were committed or aborted in total, or rejects after timeoutMs. */
  settled(count: number, timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.jobs.length + this.aborted.length >= count, `${count} settled jobs`, timeoutMs);
  }

  /** Resolves once `count` receivers are open at the same time (a job is being received). */
  waitOpen(count: number, timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.open >= count, `${count} open receivers`, timeoutMs);
  }

  private async until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.jobs.length} stored, ${this.aborted.length} aborted, ${this.open} open)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async bytesOf(seq: number): Promise<Buffer> {
    const j = this.jobs.find((x) => x.job.seq === seq);
    if (!j) throw new Error(`no stored job with seq ${seq}`);
    return readFile(j.path);
  }

  /** Names in the folder: tests check that no temporary file is left behind. */
  async files(): Promise<string[]> {
    return (await readdir(this.dir)).sort();
  }
}

/** A TempSink in a fresh folder under os.tmpdir(); cleanup() removes the folder. */
export async function createTempSink(options: TempSinkOptions = {}): Promise<{ sink: TempSink; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pullprint-sink-'));
  return { sink: new TempSink(dir, options), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
