// The workload of the crash-safety test: several LPD and IPP clients submitting jobs at
// once, each job a unique body of a few KiB to a few MiB from a seeded generator. A job
// counts as acknowledged only when its protocol said "stored": the LPD final ack, or a
// successful IPP Print-Job response. A client stops at its first connection failure
// (the engine was killed) and never retries, so every body is sent at most once.
import { createHash } from 'node:crypto';
import { Operation } from '../../main/capture/ipp/tags.js';
import { attr, val } from '../../main/capture/ipp/values.js';
import { sendLpdJob } from '../helpers/lpd-client.js';
import { ippRequest, send } from '../main/capture/ipp/harness.js';
export { prng } from '../helpers/prng.js';
import { prng } from '../helpers/prng.js';


export interface SentJob {
  readonly marker: string;
  readonly protocol: 'lpd' | 'ipp';
  readonly size: number;
  readonly sha256: string;
  readonly round: number;
  acked: boolean;
}

export interface Workload {
  /** Every body sent (or begun), by sha256. */
  readonly sent: Map<string, SentJob>;
  /** Explicit refusals by a live engine (LPD non-zero ack, IPP error status): there should be none. */
  readonly refusals: string[];
}

const MIN_SIZE = 2 * 1024;
const MAX_SIZE = 4 * 1024 * 1024;

/** A PostScript-looking body with the marker in its header and trailer, filler from the PRNG. */
export function makeBody(rnd: () => number, marker: string): Buffer {
  // Log-uniform sizes: as many small jobs as large ones.
  const size = Math.round(MIN_SIZE * Math.pow(MAX_SIZE / MIN_SIZE, rnd()));
  const head = Buffer.from(`%!PS-Adobe-3.0\n%%Title: ${marker}\n%%Pages: 1\n%%EndComments\n%%Page: 1 1\n`, 'latin1');
  const tail = Buffer.from(`\nshowpage\n%%Trailer\n%%EOF ${marker}\n`, 'latin1');
  const fill = Buffer.alloc(Math.max(0, size - head.length - tail.length));
  // Four bytes per draw keeps 4 MiB bodies cheap to make.
  for (let i = 0; i + 4 <= fill.length; i += 4) fill.writeUInt32LE(Math.floor(rnd() * 4294967296), i);
  return Buffer.concat([head, fill, tail]);
}

async function submitIpp(port: number, body: Buffer, marker: string): Promise<number> {
  const msg = ippRequest(Operation.printJob, {
    printerUri: `ipp://127.0.0.1:${port}/ipp/print`,
    operation: [
      attr('requesting-user-name', val.name('alice')),
      attr('job-name', val.name(marker)),
      attr('document-format', val.mime('application/octet-stream')),
    ],
  });
  const chunks: Buffer[] = [];
  for (let off = 0; off < body.length; off += 64 * 1024) chunks.push(body.subarray(off, off + 64 * 1024));
  const reply = await send(port, msg, { document: chunks });
  if (reply.httpStatus !== 200) return -reply.httpStatus;
  return reply.message.code;
}

export interface ClientsOptions {
  port: number;
  lpdClients: number;
  ippClients: number;
  round: number;
  seed: number;
  workload: Workload;
}

/** Starts the clients; the promise settles when every client has stopped (engine gone). */
export function runClients(o: ClientsOptions): Promise<void> {
  const loops: Promise<void>[] = [];
  const start = (protocol: 'lpd' | 'ipp', index: number): void => {
    const rnd = prng((o.seed ^ Math.imul(o.round + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
    loops.push((async () => {
      for (let n = 0; ; n++) {
        const marker = `pp-crash-s${o.seed}-r${o.round}-${protocol}${index}-n${n}`;
        const body = makeBody(rnd, marker);
        const job: SentJob = {
          marker, protocol, size: body.length, sha256: createHash('sha256').update(body).digest('hex'), round: o.round, acked: false,
        };
        o.workload.sent.set(job.sha256, job);
        try {
          if (protocol === 'lpd') {
            await sendLpdJob(o.port, { queue: 'pullq', user: 'alice', jobName: marker, data: body, order: rnd() < 0.25 ? 'data-first' : 'control-first' });
            job.acked = true;
          } else {
            const status = await submitIpp(o.port, body, marker);
            if (status === 0 || status === 1) job.acked = true;
            else o.workload.refusals.push(`${marker}: IPP status 0x${status.toString(16)}`);
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          // sendLpdJob says "refused" only for a non-zero ack from a live server.
          if (/refused .*\(ack/.test(message)) o.workload.refusals.push(`${marker}: ${message}`);
          return;
        }
      }
    })());
  };
  for (let i = 0; i < o.lpdClients; i++) start('lpd', i);
  for (let i = 0; i < o.ippClients; i++) start('ipp', i);
  return Promise.all(loops).then(() => undefined);
}
