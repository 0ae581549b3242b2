// Random and mutated inputs for the capture parsers: sniff(), the LPD command lines, the
// control file and the PJL status-query scanner. Seeded; the seed is printed on failure.
// PULLPRINT_FUZZ_ITERATIONS raises the count, PULLPRINT_FUZZ_SEED replays a run.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sniff } from '../../../main/capture/sniff.js';
import { parseDaemonCommand, parseSubcommand } from '../../../main/capture/lpd-command.js';
import { metaForDataFile, parseControlFile } from '../../../main/capture/lpd-control.js';
import { PjlQueryScanner } from '../../../main/capture/raw-status-query.js';
import { LPD_VALUE_MAX, SNIFF_HTTP_MAX } from '../../../main/capture/limits.js';
import { Peer } from './capture-peer.js';
import { startHarness } from './listener-harness.js';
import { prng } from '../../helpers/prng.js';

const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? (Date.now() >>> 0));


class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Flip, insert, delete, duplicate or splice bytes of a seed input. */
  mutate(seed: Buffer): Buffer {
    let b = Buffer.from(seed);
    const rounds = 1 + this.int(6);
    for (let r = 0; r < rounds; r++) {
      const at = b.length === 0 ? 0 : this.int(b.length);
      switch (this.int(6)) {
        case 0:
          if (b.length > 0) b[at] = this.int(256);
          break;
        case 1:
          b = Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(8)), b.subarray(at)]);
          break;
        case 2:
          b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(8)))]);
          break;
        case 3:
          b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + this.int(16)), b.subarray(at)]);
          break;
        case 4:
          if (b.length > 0) b[at] = this.pick([0x00, 0x0a, 0x0d, 0x20, 0x09, 0x1b, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7f, 0xff]);
          break;
        default:
          b = b.subarray(0, at);
      }
    }
    return b;
  }
}

function fuzz(name: string, body: (g: Gen, i: number) => void): void {
  test(`${name} (${ITERATIONS} inputs, seed ${SEED})`, () => {
    const g = new Gen(prng(SEED ^ hash(name)));
    for (let i = 0; i < ITERATIONS; i++) {
      try {
        body(g, i);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        assert.fail(`${name}: iteration ${i} failed with PULLPRINT_FUZZ_SEED=${SEED}: ${msg}`);
      }
    }
  });
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const SNIFF_SEEDS = [
  '\x02pullq\n', '\x03pullq alice\n', '\x04pullq\n', '\x05pullq root 1\n', '\x01M%!PS\n', '\x04%!PS-Adobe-3.0\n',
  'POST /ipp/print HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.0\n', '\x16\x03\x01\x02\x00', '\x1b%-12345X@PJL JOB\r\n',
  '%PDF-1.7\n', ') HP-PCL XL;2;0\n', 'UNIRAST\x00', 'POST office party\n',
].map((s) => Buffer.from(s, 'latin1'));

const CONTROL_SEED = Buffer.from('Hvm\nPalice\nJQuarterly Report _v2__ps\nldfA337vm\nldfA337vm\nUdfA337vm\nNQuarterly Report _v2__ps\nTtitle\nLalice\nCclass\nMalice\n', 'latin1');
const SUB_SEEDS = ['\x0283 cfA337vm', '\x03334584 dfA337vm', '\x03999999999999 dfA687vm', '\x030 dfA', '\x01'].map((s) => Buffer.from(s, 'latin1'));
const KINDS = new Set(['http', 'tls', 'lpd', 'raw', 'need-more']);

describe('fuzz: capture parsers never throw', () => {
  fuzz('sniff', (g) => {
    const input = g.int(3) === 0 ? g.bytes(g.int(64)) : g.mutate(g.pick(SNIFF_SEEDS));
    const r = sniff(input);
    assert.ok(KINDS.has(r.kind));
    assert.equal(r.lpdCommand !== undefined, r.kind === 'lpd');
    if (r.kind === 'need-more') assert.ok(input.length < SNIFF_HTTP_MAX);
    // A decision never changes when more bytes arrive.
    const longer = Buffer.concat([input, g.bytes(1 + g.int(16))]);
    const again = sniff(longer);
    if (r.kind !== 'need-more') assert.equal(again.kind, r.kind);
  });

  fuzz('sniff on long inputs stays bounded by its caps', (g) => {
    const fill = g.pick([0x41, 0x61, 0x20, 0x2f]);
    const first = g.pick([0x02, 0x41, 0x50, 0x16]);
    const input = Buffer.concat([Buffer.from([first]), Buffer.alloc(g.int(20_000), fill)]);
    const r = sniff(input);
    if (input.length >= SNIFF_HTTP_MAX) assert.notEqual(r.kind, 'need-more');
  });

  fuzz('LPD daemon command and subcommand lines', (g) => {
    const line = g.int(3) === 0 ? g.bytes(g.int(40)) : g.mutate(g.pick(SUB_SEEDS));
    const d = parseDaemonCommand(line);
    assert.ok(['print-waiting', 'receive-job', 'queue-state', 'remove-jobs', 'malformed'].includes(d.kind));
    const s = parseSubcommand(line);
    if (s.kind === 'control-file' || s.kind === 'data-file') {
      assert.ok(Number.isSafeInteger(s.count) && s.count >= 0, `count ${s.count}`);
      assert.equal(typeof s.name, 'string');
    } else {
      assert.ok(s.kind === 'abort' || s.kind === 'malformed');
    }
  });

  fuzz('LPD control file', (g) => {
    const input = g.int(4) === 0 ? g.bytes(g.int(300)) : g.mutate(CONTROL_SEED);
    const r = parseControlFile(input);
    if (!r.ok) {
      assert.ok(input.includes(0));
      return;
    }
    const c = r.control;
    for (const v of [c.host, c.user, c.jobName, c.title, c.bannerUser, c.bannerClass, c.mailTo, c.firstSourceFile]) {
      if (v === null) continue;
      assert.ok(v.length <= LPD_VALUE_MAX);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v), `control character kept in ${JSON.stringify(v)}`);
    }
    for (const [name, f] of c.files) {
      assert.ok(f.copies >= 1);
      const meta = metaForDataFile(c, name, 'q');
      assert.equal(meta.copies, f.copies);
    }
  });

  fuzz('PJL status-query scanner', (g) => {
    const seed = Buffer.from(g.pick(['\x1b%-12345X@PJL INFO STATUS\r\n\x1b%-12345X', '@PJL USTATUSOFF\r\n', '\x1b%-12345X@PJL ENTER LANGUAGE=PCL\r\n\x1bE']), 'latin1');
    const input = g.int(3) === 0 ? g.bytes(g.int(64)) : g.mutate(seed);
    const whole = new PjlQueryScanner();
    whole.feed(input);
    // Fed in random pieces the verdict is the same: no state is lost at chunk borders.
    const pieces = new PjlQueryScanner();
    let at = 0;
    while (at < input.length) {
      const n = 1 + g.int(5);
      pieces.feed(input.subarray(at, at + n));
      at += n;
    }
    assert.equal(pieces.isJob, whole.isJob);
    assert.equal(pieces.pjlLineCount, whole.pjlLineCount);
  });
});

describe('fuzz: mutated LPD conversations against a live listener', () => {
  const CONVERSATIONS = Math.max(50, Math.floor(ITERATIONS / 10));
  const control = 'Hvm\nPalice\nJjob\nldfA001vm\nldfA001vm\nUdfA001vm\nNdoc.ps\n';
  const data = '%!PS-Adobe-3.0\nshowpage\n';
  const seeds = [
    `\x02pullq\n\x02${control.length} cfA001vm\n${control}\0\x03${data.length} dfA001vm\n${data}\0`,
    `\x02pullq\n\x03${data.length} dfA001vm\n${data}\0\x02${control.length} cfA001vm\n${control}\0`,
    `\x02pullq\n\x02${control.length} cfA001vm\n${control}\0\x03999999999999 dfA001vm\n${data}`,
    `\x02pullq\n\x03${data.length} dfA001vm\n${data}\0\x01\n`,
    '\x03pullq alice\n',
  ].map((x) => Buffer.from(x, 'latin1'));

  test(`${CONVERSATIONS} conversations (seed ${SEED}): the listener survives, every receiver is closed, no temporary file is left`, async () => {
    const g = new Gen(prng(SEED ^ hash('conversations')));
    const h = await startHarness({ settings: { idleTimeoutSeconds: 5, maxConnections: 64 } });
    try {
      const one = async (i: number): Promise<void> => {
        const input = g.mutate(g.pick(seeds));
        const p = await Peer.connect(h.port);
        try {
          // Random chunking: byte-exact framing must not depend on segment borders.
          let at = 0;
          while (at < input.length) {
            const n = 1 + g.int(64);
            await p.write(input.subarray(at, at + n));
            at += n;
          }
          p.end();
        } catch {
          // The server may reset a connection it refused: that is an outcome, not a failure.
        }
        const ending = await p.waitEnd(10_000).catch((e: Error) => {
          throw new Error(`conversation ${i} (PULLPRINT_FUZZ_SEED=${SEED}) did not end: ${e.message}; input ${JSON.stringify(input.toString('latin1'))}`);
        });
        assert.notEqual(ending, 'open');
      };
      for (let i = 0; i < CONVERSATIONS; i += 8) {
        await Promise.all(Array.from({ length: Math.min(8, CONVERSATIONS - i) }, (_, k) => one(i + k)));
      }
      const deadline = Date.now() + 5000;
      while ((h.sink.open > 0 || h.listener.activeConnections() > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(h.sink.open, 0, `receivers left open (seed ${SEED})`);
      assert.deepEqual(await h.leftovers(), [], `temporary files left (seed ${SEED})`);
      // Still serving: a clean job goes through.
      const before = h.sink.jobs.length;
      const p = await Peer.connect(h.port);
      await p.write(seeds[0]);
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal(h.sink.jobs.length, before + 1);
    } finally {
      await h.close();
    }
  });
});
