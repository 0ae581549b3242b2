// LPD, receive side (RFC 1179; PROTOCOLS §2). One connection carries one daemon command.
//
// 01 print waiting jobs, 05 remove jobs: nothing to do here (we hold jobs; nobody removes
//    them through LPD), so we close without action.
// 03/04 queue state: the describeQueue text (or "no entries"), then close.
// 02 receive job: the conversation below, with `\0` acks and `\1` refusals.
//
// Durability: a data file is acknowledged only after JobReceiver.sync() resolved. When its
// control file is already known the data file is also committed before the ack, so for
// the usual control-first order the ack means "stored". A data file that came first is
// synced, acknowledged, and committed when the control file arrives (before that file's
// ack). If the client closes cleanly without ever sending a control file, the synced data
// files are committed with what we know (queue only): the client was told they arrived,
// so nothing acknowledged is dropped. Any protocol error, truncation, idle timeout or
// refusal aborts every data file not yet committed.

import { CaptureError, errorCode } from '../util/errors.js';
import type { JobReceiver } from './types.js';
import {
  abortQuietly, captureContext, endGracefully, levelFor, logOutcome, resetConnection,
  type ConnectionContext,
} from './connection.js';
import { LPD_CONTROL_MAX, LPD_LINE_MAX, LPD_STRAY_NUL_MAX, READ_CHUNK_MAX } from './limits.js';
import { isUntilClose, parseDaemonCommand, parseSubcommand, type Subcommand } from './lpd-command.js';
import { metaForDataFile, parseControlFile, type ControlFile } from './lpd-control.js';

const ACK = Buffer.from([0]);
const REFUSE = Buffer.from([1]);

function malformed(message: string): CaptureError {
  return new CaptureError('MALFORMED_LPD', message);
}

export async function receiveLpd(ctx: ConnectionContext): Promise<void> {
  const first = await ctx.reader.readLine(LPD_LINE_MAX, () => malformed('command line too long'));
  // The sniffer saw a complete line, so this cannot be null or partial; be defensive anyway.
  const cmd = first && first.complete ? parseDaemonCommand(first.line) : { kind: 'malformed' as const, reason: 'no command line' };
  switch (cmd.kind) {
    case 'malformed':
      logOutcome(ctx, 'warn', 'MALFORMED_LPD', 'lpd', `bad LPD command: ${cmd.reason}`);
      endGracefully(ctx);
      return;
    case 'print-waiting':
    case 'remove-jobs':
      logOutcome(ctx, 'info', 'LPD_NO_ACTION', 'lpd', `LPD ${cmd.kind} for queue ${JSON.stringify(cmd.queue)}: nothing to do, closing`);
      endGracefully(ctx);
      return;
    case 'queue-state':
      endGracefully(ctx, await queueState(ctx, cmd.queue || ctx.queueName, cmd.long));
      return;
    case 'receive-job':
      await new LpdJob(ctx, cmd.queue || ctx.queueName).run();
      return;
  }
}

async function queueState(ctx: ConnectionContext, queue: string, long: boolean): Promise<string> {
  if (!ctx.describeQueue) return 'no entries\n';
  try {
    const text = await ctx.describeQueue(queue, long);
    return text.endsWith('\n') ? text : text + '\n';
  } catch (err) {
    ctx.logger.warn('describeQueue failed', { code: errorCode(err), peer: ctx.peer, protocol: 'lpd' });
    return 'no entries\n';
  }
}

interface PendingData {
  readonly name: string;
  readonly receiver: JobReceiver;
}

/** One "receive a printer job" conversation. */
class LpdJob {
  private control: ControlFile | null = null;
  /** Synced and acknowledged, waiting for their control file. */
  private pending: PendingData[] = [];
  /** The data file being received right now. */
  private current: JobReceiver | null = null;
  private stored = 0;
  /** True while file bytes flow: the client is sending, not waiting for an answer. */
  private streaming = false;

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly queue: string,
  ) {}

  async run(): Promise<void> {
    const { ctx } = this;
    try {
      ctx.socket.write(ACK);
      for (;;) {
        const sub = await this.nextSubcommand();
        if (sub === null) break;
        if (sub.kind === 'abort') {
          await this.abortAll('JOB_ABORTED');
          logOutcome(ctx, 'info', 'JOB_ABORTED', 'lpd', 'client aborted the job (subcommand 01): files not yet stored were discarded');
          this.control = null;
          continue;
        }
        const eof = sub.kind === 'control-file' ? await this.receiveControl(sub.count) : await this.receiveData(sub.count, sub.name);
        if (eof) break;
      }
      await this.finishAtEof();
      endGracefully(ctx);
    } catch (err) {
      await this.fail(err);
    }
  }

  /** Null at a clean EOF between subcommands. Skips stray NULs (PLP, apple/cups#3146). */
  private async nextSubcommand(): Promise<Subcommand | null> {
    for (let nuls = 0; ; nuls++) {
      const line = await this.ctx.reader.readLine(LPD_LINE_MAX, () => malformed('subcommand line too long'));
      if (line === null) return null;
      let body = line.line;
      let skipped = 0;
      while (skipped < body.length && body[skipped] === 0) skipped++;
      if (skipped > 0) {
        if (nuls + skipped > LPD_STRAY_NUL_MAX) throw malformed('too many NUL bytes between subcommands');
        body = body.subarray(skipped);
      }
      if (!line.complete) {
        // Only NULs before the close: the stray final 00 of some clients.
        if (body.length === 0) return null;
        throw malformed('connection closed in the middle of a subcommand');
      }
      if (body.length === 0 && skipped === 0) throw malformed('empty subcommand line');
      if (body.length === 0) {
        nuls += skipped;
        continue;
      }
      const sub = parseSubcommand(body);
      if (sub.kind === 'malformed') throw malformed(sub.reason);
      return sub;
    }
  }

  /** Returns true when the client closed right after the file (no trailing NUL). */
  private async receiveControl(count: number): Promise<boolean> {
    const { ctx } = this;
    if (count === 0 || count > LPD_CONTROL_MAX) throw malformed(`control file count ${count} is outside 1..${LPD_CONTROL_MAX}`);
    ctx.socket.write(ACK);
    const parts: Buffer[] = [];
    let got = 0;
    this.streaming = true;
    while (got < count) {
      const chunk = await ctx.reader.readChunk(count - got);
      if (chunk === null) throw new CaptureError('TRUNCATED_JOB', `control file ended after ${got} of ${count} bytes`);
      parts.push(Buffer.from(chunk));
      got += chunk.length;
    }
    this.streaming = false;
    const eof = await this.trailingNul();
    const parsed = parseControlFile(Buffer.concat(parts));
    if (!parsed.ok) throw malformed(parsed.reason);
    this.control = parsed.control;
    // Data files that came first and that this control file names are stored now.
    const named = this.pending.filter((p) => parsed.control.files.has(p.name) || parsed.control.files.size === 0);
    for (const p of named) {
      await this.commit(p.receiver, p.name);
      this.pending = this.pending.filter((x) => x !== p);
    }
    if (!eof) ctx.socket.write(ACK);
    return eof;
  }

  private async receiveData(count: number, name: string): Promise<boolean> {
    const { ctx } = this;
    const max = ctx.settings.maxJobSizeBytes;
    const untilClose = isUntilClose(count, max);
    // Open the receiver before the ack: if nothing can be stored now we refuse with \1.
    const receiver = await ctx.sink.begin(captureContext(ctx, 'lpd'));
    this.current = receiver;
    ctx.socket.write(ACK);
    let got = 0;
    let eof = false;
    this.streaming = true;
    while (untilClose || got < count) {
      const chunk = await ctx.reader.readChunk(untilClose ? READ_CHUNK_MAX : Math.min(READ_CHUNK_MAX, count - got));
      if (chunk === null) {
        if (!untilClose) throw new CaptureError('TRUNCATED_JOB', `data file ended after ${got} of ${count} bytes`);
        eof = true;
        break;
      }
      if (got + chunk.length > max) throw new CaptureError('JOB_TOO_LARGE', `data file exceeds ${max} bytes`);
      got += chunk.length;
      await receiver.write(chunk);
    }
    this.streaming = false;
    if (!eof) eof = await this.trailingNul();
    if (got === 0) {
      // Only possible for "until close" with nothing before the close: no document.
      this.current = null;
      await receiver.abort('EMPTY_JOB');
      logOutcome(ctx, 'info', 'EMPTY_JOB', 'lpd', `data file ${JSON.stringify(name)} was empty: nothing stored`);
      return eof;
    }
    await receiver.sync();
    this.current = null;
    if (this.control && (this.control.files.has(name) || this.control.files.size === 0)) {
      await this.commit(receiver, name);
    } else {
      this.pending.push({ name, receiver });
    }
    if (!eof) ctx.socket.write(ACK);
    return eof;
  }

  /** After a counted file: its NUL (true = EOF instead, i.e. the client just closed). */
  private async trailingNul(): Promise<boolean> {
    const b = await this.ctx.reader.readByte();
    if (b === null) return true;
    if (b !== 0) throw malformed(`expected the NUL after a file, got 0x${b.toString(16).padStart(2, '0')}`);
    return false;
  }

  private async commit(receiver: JobReceiver, name: string): Promise<void> {
    // Taken out of the lists first: if commit fails, fail() must not abort it twice.
    this.pending = this.pending.filter((p) => p.receiver !== receiver);
    try {
      const job = await receiver.commit(metaForDataFile(this.control, name, this.queue));
      this.stored++;
      this.ctx.logger.info('LPD job stored', { peer: this.ctx.peer, protocol: 'lpd', mode: this.ctx.mode, jobId: job.id, size: job.size });
    } catch (err) {
      await abortQuietly(this.ctx, receiver, errorCode(err));
      throw err;
    }
  }

  /** The client closed between subcommands: store what was acknowledged. */
  private async finishAtEof(): Promise<void> {
    if (this.pending.length > 0) {
      // Acknowledged data is never dropped: store it with what the last control file (if any) says.
      logOutcome(this.ctx, 'warn', 'MISSING_CONTROL_FILE', 'lpd', 'connection closed without a control file naming the data: storing it anyway', {
        files: this.pending.length,
        control: this.control !== null,
      });
    }
    for (const p of [...this.pending]) await this.commit(p.receiver, p.name);
    if (this.stored === 0) logOutcome(this.ctx, 'info', 'EMPTY_JOB', 'lpd', 'receive-job conversation ended without a data file: nothing stored');
  }

  private async abortAll(code: string): Promise<void> {
    const all = [...this.pending.map((p) => p.receiver), ...(this.current ? [this.current] : [])];
    this.pending = [];
    this.current = null;
    for (const r of all) await abortQuietly(this.ctx, r, code);
  }

  private async fail(err: unknown): Promise<void> {
    const { ctx } = this;
    const code = errorCode(err);
    await this.abortAll(code);
    const message = err instanceof Error ? err.message : String(err);
    logOutcome(ctx, levelFor(code), code, 'lpd', `LPD job not stored: ${message}`);
    if (this.streaming || code === 'IDLE_TIMEOUT' || code === 'CONNECTION_RESET' || code === 'TRUNCATED_JOB') {
      // Mid-file (too large, disk full while writing), silent or gone: an RST stops the
      // sender at once and makes CUPS retry.
      resetConnection(ctx.socket);
    } else {
      // The client waits for our answer to its last line or file: tell it no.
      endGracefully(ctx, REFUSE);
    }
  }
}
