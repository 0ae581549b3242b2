import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Peer } from './capture-peer.js';
import { GatedSink, Gate, sleep, startHarness, type Harness } from './listener-harness.js';
import { makePostScript, tempDir } from '../../helpers/documents.js';
import { run } from '../../helpers/process.js';

const CONTROL = 'Hvm\nPalice\nJQuarterly Report\nldfA001vm\nUdfA001vm\nNreport.ps\n';
const DATA = Buffer.from('%!PS-Adobe-3.0\n%%Pages: 1\nshowpage\n%%EOF\n', 'latin1');

/** Sends `bytes`, then waits until `total` answer bytes arrived in all; returns the answers. */
async function step(p: Peer, bytes: Buffer | string, total: number): Promise<Buffer> {
  await p.write(bytes);
  return p.waitBytes(total);
}

function zeros(n: number): Buffer {
  return Buffer.alloc(n, 0);
}

async function controlFirst(p: Peer, control = CONTROL, data = DATA, name = 'dfA001vm'): Promise<void> {
  assert.deepEqual(await step(p, '\x02pullq\n', 1), zeros(1));
  assert.deepEqual(await step(p, `\x02${Buffer.byteLength(control)} cfA001vm\n`, 2), zeros(2));
  assert.deepEqual(await step(p, Buffer.concat([Buffer.from(control), zeros(1)]), 3), zeros(3));
  assert.deepEqual(await step(p, `\x03${data.length} ${name}\n`, 4), zeros(4));
  assert.deepEqual(await step(p, Buffer.concat([data, zeros(1)]), 5), zeros(5));
}

/** After a refusal: exactly one \1 after the acks so far, then FIN; nothing stored or left. */
async function assertRefused(h: Harness, p: Peer, acksBefore: number, code = 'MALFORMED_LPD'): Promise<void> {
  assert.equal(await p.waitEnd(), 'fin');
  assert.deepEqual(p.data, Buffer.concat([zeros(acksBefore), Buffer.from([1])]));
  await sleep(30);
  assert.equal(h.sink.jobs.length, 0);
  assert.deepEqual(await h.leftovers(), []);
  const e = h.logs.entries.find((x) => x.meta.code === code);
  assert.ok(e, `${code} logged; got ${h.logs.codes().join(',')}`);
  assert.equal(e.meta.protocol, 'lpd');
}

async function withHarness(fn: (h: Harness) => Promise<void>, o: Parameters<typeof startHarness>[0] = {}): Promise<void> {
  const h = await startHarness(o);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

describe('LPD receive job', () => {
  test('control file first: every step acknowledged, job stored with the control-file metadata', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirst(p);
      assert.equal(h.sink.jobs.length, 1, 'stored before the data ack');
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      const j = h.sink.jobs[0];
      assert.deepEqual(await h.sink.bytesOf(j.job.seq), DATA);
      assert.deepEqual(j.meta, {
        protocol: 'lpd', queue: 'pullq', user: 'alice', host: 'vm', jobName: 'Quarterly Report', title: null, sourceFile: 'report.ps', copies: 1,
      });
      assert.equal(j.ctx.protocol, 'lpd');
      assert.deepEqual(await h.leftovers(), []);
    }));

  test('the whole conversation one byte at a time', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await p.writeSlowly('\x02pullq\n');
      await p.waitBytes(1);
      await p.writeSlowly(`\x02${CONTROL.length} cfA001vm\n`);
      await p.waitBytes(2);
      await p.writeSlowly(CONTROL + '\0');
      await p.waitBytes(3);
      await p.writeSlowly(`\x03${DATA.length} dfA001vm\n`);
      await p.waitBytes(4);
      await p.writeSlowly(Buffer.concat([DATA, zeros(1)]));
      assert.deepEqual(await p.waitBytes(5), zeros(5));
      p.end();
      await p.waitEnd();
      assert.deepEqual(await h.sink.bytesOf(1), DATA);
      assert.equal(h.sink.jobs[0].meta.user, 'alice');
    }));

  test('data file first: acknowledged once synced, committed with the metadata when the control file arrives', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 2);
      assert.deepEqual(await step(p, Buffer.concat([DATA, zeros(1)]), 3), zeros(3));
      assert.equal(h.sink.jobs.length, 0, 'not committed before the control file');
      assert.equal(h.sink.open, 1, 'kept open in its own receiver');
      await step(p, `\x02${CONTROL.length} cfA001vm\n`, 4);
      assert.deepEqual(await step(p, CONTROL + '\0', 5), zeros(5));
      assert.equal(h.sink.jobs.length, 1, 'committed before the control-file ack');
      p.end();
      await p.waitEnd();
      assert.equal(h.sink.jobs[0].meta.user, 'alice');
      assert.equal(h.sink.jobs[0].meta.copies, 1);
      assert.deepEqual(await h.sink.bytesOf(1), DATA);
    }));

  test('data first and no control file before a clean close: what was acknowledged is stored anyway', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 2);
      await step(p, Buffer.concat([DATA, zeros(1)]), 3);
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal(h.sink.jobs.length, 1);
      assert.deepEqual(h.sink.jobs[0].meta, { protocol: 'lpd', queue: 'pullq' });
      assert.ok(h.logs.codes().includes('MISSING_CONTROL_FILE'));
    }));

  for (const [label, count] of [['count 0', '0'], ['CUPS mode=stream count', '999999999999'], ['count 2^31-1', '2147483647'], ['count above the job-size limit', '5000000']] as const) {
    test(`${label}: the data runs until the client closes and is accepted at EOF`, () =>
      withHarness(async (h) => {
        const data = randomBytes(300_000);
        const p = await Peer.connect(h.port);
        await controlFirstControlOnly(p);
        await step(p, `\x03${count} dfA001vm\n`, 4);
        await p.write(data);
        p.end();
        assert.equal(await p.waitEnd(), 'fin');
        assert.equal(p.data.length, 4, 'no ack after an until-close file');
        assert.ok((await h.sink.bytesOf(1)).equals(data));
        assert.equal(h.sink.jobs[0].meta.user, 'alice');
      }, { settings: { maxJobSizeBytes: 1_000_000 } }));
  }

  test('a real count with EOF first is truncated: discarded, nothing left', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirstControlOnly(p);
      await step(p, `\x03${DATA.length + 100} dfA001vm\n`, 4);
      await p.write(DATA);
      p.end();
      await p.waitEnd();
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'TRUNCATED_JOB');
      assert.deepEqual(await h.leftovers(), []);
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'TRUNCATED_JOB' && e.meta.protocol === 'lpd'));
    }));

  test('abort subcommand (01) discards the job; the connection can then send another', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 2);
      await step(p, Buffer.concat([DATA, zeros(1)]), 3);
      await p.write('\x01\n');
      await h.sink.settled(1);
      assert.equal(h.sink.aborted[0].code, 'JOB_ABORTED');
      // A fresh job in the same conversation.
      const other = Buffer.from('%!PS\n% second\n');
      await step(p, `\x02${CONTROL.length} cfA002vm\n`, 4);
      await step(p, CONTROL + '\0', 5);
      await step(p, `\x03${other.length} dfA001vm\n`, 6);
      assert.deepEqual(await step(p, Buffer.concat([other, zeros(1)]), 7), zeros(7));
      p.end();
      await p.waitEnd();
      assert.equal(h.sink.jobs.length, 1);
      assert.deepEqual(await h.sink.bytesOf(h.sink.jobs[0].job.seq), other);
      assert.deepEqual(await h.leftovers(), []);
    }));

  test('stray NUL bytes after a file and before the close are tolerated', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirst(p);
      await p.write('\0');
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      assert.deepEqual(p.data, zeros(5));
      assert.equal(h.sink.jobs.length, 1);
      // ... and a stray NUL before the next subcommand.
      const q = await Peer.connect(h.port);
      await controlFirstControlOnly(q);
      await q.write('\0');
      await step(q, `\x03${DATA.length} dfA001vm\n`, 4);
      assert.deepEqual(await step(q, Buffer.concat([DATA, zeros(1)]), 5), zeros(5));
      q.end();
      await q.waitEnd();
      assert.equal(h.sink.jobs.length, 2);
    }));

  test('several data files in one job: one stored job each, with its own copies and source file', () =>
    withHarness(async (h) => {
      const control = 'Hvm\nPbob\nJtwo files\nldfA001vm\nUdfA001vm\nNfirst.ps\nldfB001vm\nldfB001vm\nUdfB001vm\nNsecond.pdf\n';
      const a = Buffer.from('%!PS\n% A\n');
      const b = Buffer.from('%PDF-1.4\n% B\n');
      const p = await Peer.connect(h.port);
      await controlFirst(p, control, a, 'dfA001vm');
      await step(p, `\x03${b.length} dfB001vm\n`, 6);
      assert.deepEqual(await step(p, Buffer.concat([b, zeros(1)]), 7), zeros(7));
      p.end();
      await p.waitEnd();
      assert.equal(h.sink.jobs.length, 2);
      const byName = new Map(h.sink.jobs.map((j) => [j.meta.sourceFile, j]));
      assert.equal(byName.get('first.ps')?.meta.copies, 1);
      assert.equal(byName.get('second.pdf')?.meta.copies, 2);
      assert.deepEqual(await h.sink.bytesOf(byName.get('second.pdf')!.job.seq), b);
      assert.ok(h.sink.jobs.every((j) => j.meta.user === 'bob' && j.meta.jobName === 'two files'));
    }));

  test('copies come from repeated l lines', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirst(p, 'Hvm\nPalice\nJx\nldfA001vm\nldfA001vm\nldfA001vm\nUdfA001vm\n');
      p.end();
      await p.waitEnd();
      assert.equal(h.sink.jobs[0].meta.copies, 3);
    }));

  test('ack after disk: the data-file ack is not sent before sync() resolved', async () => {
    const gate = new Gate();
    let gated: GatedSink | null = null;
    await withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirstControlOnly(p);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 4);
      await p.write(Buffer.concat([DATA, zeros(1)]));
      await sleep(300);
      assert.equal(p.data.length, 4, 'no ack while the data is not on disk');
      assert.ok(gated!.events.some((e) => e.what === 'sync-start'));
      const opened = Date.now();
      gate.open();
      await p.waitBytes(5);
      const done = gated!.events.find((e) => e.what === 'sync-done');
      assert.ok(done && done.at >= opened, 'sync resolved after the gate opened');
      assert.equal(h.sink.jobs.length, 1, 'and committed before the ack');
      p.end();
      await p.waitEnd();
    }, { wrap: (s) => (gated = new GatedSink(s, { sync: gate })) });
  });

  test('ack after disk, data first: same rule before the control file is known', async () => {
    const gate = new Gate();
    await withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 2);
      await p.write(Buffer.concat([DATA, zeros(1)]));
      await sleep(300);
      assert.equal(p.data.length, 2);
      gate.open();
      assert.deepEqual(await p.waitBytes(3), zeros(3));
      p.destroy();
      await h.sink.settled(1);
    }, { wrap: (s) => new GatedSink(s, { sync: gate }) });
  });

  test('a sink that cannot store (disk full) refuses the data file with \\1 before any byte is sent', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirstControlOnly(p);
      await p.write(`\x03${DATA.length} dfA001vm\n`);
      await assertRefused(h, p, 3, 'DISK_FULL');
    }, { sinkOptions: { failBegin: 'DISK_FULL' } }));

  test('a data file above the job-size limit: reset, no job, no temporary file', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirstControlOnly(p);
      await step(p, '\x030 dfA001vm\n', 4);
      p.write(randomBytes(500_000)).catch(() => undefined);
      assert.equal(await p.waitEnd(), 'reset');
      await h.sink.settled(1);
      assert.equal(h.sink.aborted[0].code, 'JOB_TOO_LARGE');
      assert.deepEqual(await h.leftovers(), []);
      assert.ok(h.logs.codes().includes('JOB_TOO_LARGE'));
    }, { settings: { maxJobSizeBytes: 100_000 } }));

  test('idle timeout in the middle of a data file: dropped, no job, no temporary file', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await controlFirstControlOnly(p);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 4);
      await p.write(DATA.subarray(0, 10));
      assert.equal(await p.waitEnd(), 'reset');
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'IDLE_TIMEOUT');
      assert.deepEqual(await h.leftovers(), []);
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'IDLE_TIMEOUT' && e.meta.protocol === 'lpd'));
    }, { settings: { idleTimeoutSeconds: 0.3 } }));
});

async function controlFirstControlOnly(p: Peer): Promise<void> {
  await step(p, '\x02pullq\n', 1);
  await step(p, `\x02${CONTROL.length} cfA001vm\n`, 2);
  assert.deepEqual(await step(p, CONTROL + '\0', 3), zeros(3));
}

describe('LPD malformed input is refused with \\1 and leaves nothing', () => {
  const cases: [string, (p: Peer) => Promise<number>][] = [
    ['a count that is not a number', async (p) => {
      await controlFirstControlOnly(p);
      await p.write('\x03abc dfA001vm\n');
      return 3;
    }],
    ['an unknown subcommand', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await p.write('\x07junk\n');
      return 1;
    }],
    ['a subcommand line with a control byte', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await p.write('\x0312 df\x07A\n');
      return 1;
    }],
    ['a control file containing NUL', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await step(p, '\x0210 cfA001vm\n', 2);
      await p.write('Palice\n\0x\n\0');
      return 2;
    }],
    ['a byte other than NUL after a file', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x02${CONTROL.length} cfA001vm\n`, 2);
      await p.write(CONTROL + 'X');
      return 2;
    }],
    ['a control file count of 0', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await p.write('\x020 cfA001vm\n');
      return 1;
    }],
    ['a subcommand line longer than 1 KiB', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await p.write('\x0312 ' + 'd'.repeat(2000));
      return 1;
    }],
    ['a bad NUL after a data file that came first (pending data is discarded)', async (p) => {
      await step(p, '\x02pullq\n', 1);
      await step(p, `\x03${DATA.length} dfA001vm\n`, 2);
      await step(p, Buffer.concat([DATA, zeros(1)]), 3);
      await step(p, `\x02${CONTROL.length} cfA001vm\n`, 4);
      await p.write(CONTROL + '\x02');
      return 4;
    }],
  ];
  for (const [name, drive] of cases) {
    test(name, () =>
      withHarness(async (h) => {
        const p = await Peer.connect(h.port);
        const acks = await drive(p);
        await assertRefused(h, p, acks);
      }));
  }
});

describe('LPD daemon commands other than receive-job', () => {
  test('03/04 queue state: the describeQueue text, then close', async () => {
    const asked: [string, boolean][] = [];
    await withHarness(async (h) => {
      for (const [cmd, long] of [['\x03', false], ['\x04', true]] as const) {
        const p = await Peer.connect(h.port);
        await p.write(`${cmd}pullq alice\n`);
        assert.equal(await p.waitEnd(), 'fin');
        assert.equal(p.data.toString(), `pullq: ${long ? 'long' : 'short'} listing\n`);
      }
      assert.deepEqual(asked, [['pullq', false], ['pullq', true]]);
      assert.equal(h.sink.jobs.length, 0);
    }, {
      listener: {
        describeQueue: async (queue: string, long: boolean) => {
          asked.push([queue, long]);
          return `${queue}: ${long ? 'long' : 'short'} listing`;
        },
      },
    });
  });

  test('03 without describeQueue answers "no entries"', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await p.writeSlowly('\x03pullq\n');
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal(p.data.toString(), 'no entries\n');
    }));

  test('01 (print waiting jobs) and 05 (remove jobs): closed without action', () =>
    withHarness(async (h) => {
      for (const line of ['\x01pullq\n', '\x05pullq root 12\n']) {
        const p = await Peer.connect(h.port);
        await p.write(line);
        assert.equal(await p.waitEnd(), 'fin');
        assert.equal(p.data.length, 0);
      }
      assert.equal(h.sink.jobs.length + h.sink.aborted.length, 0);
      assert.equal(h.logs.codes().filter((c) => c === 'LPD_NO_ACTION').length, 2);
    }));
});

describe('CUPS lpd backend', () => {
  const variants: { name: string; options: string; copies: string; expectCopies: number; expectRepeat: number }[] = [
    { name: 'default (control first, manual copies)', options: '', copies: '2', expectCopies: 1, expectRepeat: 2 },
    { name: 'mode=stream', options: '&mode=stream', copies: '1', expectCopies: 1, expectRepeat: 1 },
    { name: 'order=data,control', options: '&order=data,control', copies: '1', expectCopies: 1, expectRepeat: 1 },
    { name: 'manual_copies=off', options: '&manual_copies=off', copies: '2', expectCopies: 2, expectRepeat: 1 },
  ];
  for (const v of variants) {
    test(v.name, async () => {
      const h = await startHarness();
      const dir = await tempDir('lpd');
      try {
        const ps = await makePostScript(dir.path, 'job.ps', { pages: 2, title: 'Quarterly Report (v2)' });
        const r = await run('/usr/lib/cups/backend/lpd', ['102', 'alice', 'Quarterly Report (v2).ps', v.copies, '', ps], {
          env: { ...process.env, DEVICE_URI: `lpd://127.0.0.1:${h.port}/pullq?snmp=false&reserve=none${v.options}` },
          timeoutMs: 60_000,
        });
        assert.equal(r.code, 0, r.stderr.slice(-2000));
        // mode=stream sends no NUL and waits for no ack: the client is done before our commit.
        await h.sink.settled(1);
        assert.equal(h.sink.jobs.length, 1);
        const j = h.sink.jobs[0];
        const file = await readFile(ps);
        const stored = await h.sink.bytesOf(j.job.seq);
        assert.ok(stored.equals(Buffer.concat(Array.from({ length: v.expectRepeat }, () => file))), `stored ${stored.length} bytes, file ${file.length}`);
        assert.equal(j.meta.protocol, 'lpd');
        assert.equal(j.meta.queue, 'pullq');
        assert.equal(j.meta.user, 'alice');
        // CUPS sanitises the title: non-alphanumeric, non-space characters become '_'.
        assert.equal(j.meta.jobName, 'Quarterly Report _v2__ps');
        assert.equal(j.meta.copies, v.expectCopies);
        assert.ok(j.meta.host, 'H line');
        assert.deepEqual(await h.leftovers(), []);
      } finally {
        await dir.cleanup();
        await h.close();
      }
    });
  }
});
