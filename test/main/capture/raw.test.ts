import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Peer } from './capture-peer.js';
import { GatedSink, Gate, sleep, startHarness } from './listener-harness.js';
import { makePdf, postScriptText, tempDir } from '../../helpers/documents.js';
import { run } from '../../helpers/process.js';

async function sendRaw(port: number, bytes: Buffer | string): Promise<Peer> {
  const p = await Peer.connect(port);
  await p.write(bytes);
  p.end();
  return p;
}

describe('RAW (AppSocket)', () => {
  test('a job is stored byte for byte, then the server sends FIN', async () => {
    const h = await startHarness();
    try {
      const doc = Buffer.from(postScriptText({ pages: 2, title: 'Raw' }), 'latin1');
      const p = await sendRaw(h.port, doc);
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal(h.sink.jobs.length, 1, 'stored before the FIN');
      const j = h.sink.jobs[0];
      assert.deepEqual(await h.sink.bytesOf(j.job.seq), doc);
      assert.deepEqual(j.meta, { protocol: 'raw', queue: 'PullPrint' });
      assert.equal(j.ctx.protocol, 'raw');
      assert.equal(j.ctx.mode, 'local');
      assert.match(j.ctx.peer, /^127\.0\.0\.1:\d+$/);
      assert.deepEqual(await h.leftovers(), []);
    } finally {
      await h.close();
    }
  });

  test('one byte at a time', async () => {
    const h = await startHarness();
    try {
      const doc = '\x1b%-12345X@PJL JOB NAME="x"\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n%!PS\nshowpage\n\x1b%-12345X';
      const p = await Peer.connect(h.port);
      await p.writeSlowly(doc);
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal(h.sink.jobs.length, 1);
      assert.equal((await h.sink.bytesOf(1)).toString('latin1'), doc);
    } finally {
      await h.close();
    }
  });

  test('streams that look like LPD or HTTP at first are stored whole as RAW', async () => {
    const h = await startHarness({ listener: { sniffTimeoutMs: 150 } });
    try {
      const cases = [
        '\x01M%!PS-Adobe-3.0\n%%EOF\n', // TBCP
        '\x04%!PS-Adobe-3.0\nshowpage\n\x04', // Ctrl-D first
        '\x02\x1bE text', // ESC as byte 1
        'POST office party on friday\nbring cake\n', // text, not a request line
        '\x02pullq', // LPD-like prefix, then EOF without LF
        '\x02' + 'q'.repeat(1500) + '\n', // no LF within 1 KiB
      ];
      for (const c of cases) await (await sendRaw(h.port, c)).waitEnd();
      assert.equal(h.sink.jobs.length, cases.length);
      const stored = await Promise.all(h.sink.jobs.map((j) => h.sink.bytesOf(j.job.seq)));
      assert.deepEqual(new Set(stored.map((b) => b.toString('latin1'))), new Set(cases));
      assert.ok(h.sink.jobs.every((j) => j.meta.protocol === 'raw'));
    } finally {
      await h.close();
    }
  });

  test('an ambiguous prefix followed by silence becomes RAW after the sniff timeout, and the rest follows', async () => {
    const h = await startHarness({ listener: { sniffTimeoutMs: 100 } });
    try {
      const p = await Peer.connect(h.port);
      await p.write('\x02pullq');
      await sleep(300);
      assert.equal(p.data.length, 0, 'no LPD ack for a line without LF');
      await p.write(' more text\n');
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      assert.equal((await h.sink.bytesOf(1)).toString('latin1'), '\x02pullq more text\n');
    } finally {
      await h.close();
    }
  });

  test('a PJL-only status query and framing-only bytes store nothing', async () => {
    const h = await startHarness();
    try {
      for (const q of [
        '\x1b%-12345X@PJL INFO STATUS\r\n\x1b%-12345X',
        '@PJL USTATUSOFF\r\n',
        '\x1b%-12345X@PJL ECHO hello\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n\x1b%-12345X',
        '\x04\r\n \x00',
      ]) {
        assert.equal(await (await sendRaw(h.port, q)).waitEnd(), 'fin');
      }
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted.length, 0, 'no receiver was even opened');
      assert.deepEqual(await h.sink.files(), []);
      assert.equal(h.logs.codes().filter((c) => c === 'STATUS_QUERY').length, 3);
      assert.equal(h.logs.codes().filter((c) => c === 'EMPTY_JOB').length, 1);
    } finally {
      await h.close();
    }
  });

  test('PJL followed by a page description is a job', async () => {
    const h = await startHarness();
    try {
      const doc = '\x1b%-12345X@PJL INFO STATUS\r\n@PJL ENTER LANGUAGE=PCL\r\n\x1bE\x0c\x1b%-12345X';
      await (await sendRaw(h.port, doc)).waitEnd();
      assert.equal((await h.sink.bytesOf(1)).toString('latin1'), doc);
    } finally {
      await h.close();
    }
  });

  test('back-pressure: while a write is pending the socket is paused and the client is held back', async () => {
    const gate = new Gate();
    let gated: GatedSink | null = null;
    const h = await startHarness({ wrap: (s) => (gated = new GatedSink(s, { write: gate })) });
    try {
      const doc = randomBytes(48 * 1024 * 1024);
      const p = await Peer.connect(h.port);
      const sent = p.write(doc);
      await sleep(400);
      // Kernel buffers on loopback hold a few MiB; without back-pressure all 48 MiB would
      // have been read into memory by now.
      assert.ok(p.socket.writableLength > 24 * 1024 * 1024, `client still holds ${p.socket.writableLength} bytes`);
      assert.equal(gated!.events.filter((e) => e.what === 'write-start').length, 1, 'one write at a time');
      gate.open();
      await sent;
      p.end();
      assert.equal(await p.waitEnd(20_000), 'fin');
      assert.ok((await h.sink.bytesOf(1)).equals(doc));
    } finally {
      await h.close();
    }
  });

  test('too large: the connection is reset, nothing is stored, no temporary file is left', async () => {
    const h = await startHarness({ settings: { maxJobSizeBytes: 100_000 } });
    try {
      const p = await Peer.connect(h.port);
      p.write(Buffer.concat([Buffer.from('%!PS\n'), randomBytes(1_000_000)])).catch(() => undefined);
      assert.equal(await p.waitEnd(), 'reset');
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'JOB_TOO_LARGE');
      assert.deepEqual(await h.leftovers(), []);
      const entry = h.logs.entries.find((e) => e.meta.code === 'JOB_TOO_LARGE');
      assert.ok(entry, 'JOB_TOO_LARGE logged');
      assert.equal(entry.meta.protocol, 'raw');
      assert.match(String(entry.meta.peer), /^127\.0\.0\.1:\d+$/);
    } finally {
      await h.close();
    }
  });

  test('the sink refusing (disk full at begin, size limit at write) resets the connection and stores nothing', async () => {
    for (const sinkOptions of [{ failBegin: 'DISK_FULL' as const }, { maxBytes: 10_000 }]) {
      const h = await startHarness({ sinkOptions });
      try {
        const p = await Peer.connect(h.port);
        p.write(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)])).catch(() => undefined);
        p.end();
        assert.equal(await p.waitEnd(), 'reset', JSON.stringify(sinkOptions));
        await sleep(50);
        assert.equal(h.sink.jobs.length, 0);
        assert.deepEqual(await h.leftovers(), []);
        const code = sinkOptions.failBegin ?? 'JOB_TOO_LARGE';
        assert.ok(h.logs.codes().includes(code), `${code} logged`);
      } finally {
        await h.close();
      }
    }
  });

  test('a client that resets mid-job leaves no job and no temporary file', async () => {
    const h = await startHarness();
    try {
      const p = await Peer.connect(h.port);
      await p.write(Buffer.concat([Buffer.from('%!PS\n'), randomBytes(300_000)]));
      await sleep(100);
      p.socket.resetAndDestroy();
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'CONNECTION_RESET');
      assert.deepEqual(await h.leftovers(), []);
    } finally {
      await h.close();
    }
  });

  test('idle timeout mid-job: dropped, no job, no temporary file, IDLE_TIMEOUT logged', async () => {
    const h = await startHarness({ settings: { idleTimeoutSeconds: 0.3 } });
    try {
      const p = await Peer.connect(h.port);
      await p.write('%!PS-Adobe-3.0\n%%Pages: 1\n');
      assert.equal(await p.waitEnd(), 'reset');
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'IDLE_TIMEOUT');
      assert.deepEqual(await h.leftovers(), []);
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'IDLE_TIMEOUT' && e.meta.protocol === 'raw'));
    } finally {
      await h.close();
    }
  });

  test('CUPS socket backend: exit 0 and the stored bytes equal the file', async () => {
    const h = await startHarness();
    const dir = await tempDir('raw');
    try {
      const pdf = await makePdf(dir.path, 'job.pdf', { pages: 3, title: 'Quarterly Report' });
      const r = await run('/usr/lib/cups/backend/socket', ['101', 'alice', 'Quarterly Report', '1', '', pdf], {
        env: { ...process.env, DEVICE_URI: `socket://127.0.0.1:${h.port}/?snmp=false` },
        timeoutMs: 30_000,
      });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.equal(h.sink.jobs.length, 1);
      assert.ok((await h.sink.bytesOf(1)).equals(await readFile(pdf)));
      assert.deepEqual(h.sink.jobs[0].meta, { protocol: 'raw', queue: 'PullPrint' });
      assert.deepEqual(await h.leftovers(), []);
    } finally {
      await dir.cleanup();
      await h.close();
    }
  });
});
