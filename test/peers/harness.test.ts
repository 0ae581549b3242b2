// Self-tests of the peer harness: the private CUPS, ippeveprinter and ipptool behave as
// the other tests rely on, against real peers on loopback.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { makePdf, tempDir } from '../helpers/documents.js';
import { CUPS_MODELS, listModels, startCups, type Cups } from './cups.js';
import { startIppEvePrinter } from './ippeveprinter.js';
import { IPP_1_1_TEST, runIpptool } from './ipptool.js';
import { startRawSink } from './raw-sink.js';

interface LpdCapture {
  queueLine: Buffer;
  control: string;
  data: Buffer;
}

interface LpdListener {
  server: Server;
  sockets: Set<Socket>;
  port: number;
  job: Promise<LpdCapture>;
}

/**
 * The receiving half of RFC 1179 "receive a printer job", enough for CUPS's lpd backend:
 * acknowledge (`\0`) the queue line, each subcommand and each file, or refuse (`\x01`) the
 * queue line when `refuse` is set.
 */
function startLpdListener(refuse = false): Promise<LpdListener> {
  let resolveJob: (c: LpdCapture) => void;
  let rejectJob: (e: Error) => void;
  const job = new Promise<LpdCapture>((res, rej) => {
    resolveJob = res;
    rejectJob = rej;
  });
  job.catch(() => undefined);
  const sockets = new Set<Socket>();
  const server = createServer((sock: Socket) => {
    let buf = Buffer.alloc(0);
    let queueLine: Buffer | undefined;
    let control = '';
    let data = Buffer.alloc(0);
    let expect: { kind: 2 | 3; size: number } | undefined;
    sock.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      for (;;) {
        if (queueLine === undefined) {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) return;
          queueLine = buf.subarray(0, nl + 1);
          buf = buf.subarray(nl + 1);
          sock.write(refuse ? Buffer.from([1]) : Buffer.from([0]));
          if (refuse) {
            sock.end();
            return;
          }
        } else if (expect) {
          if (buf.length < expect.size + 1) return;
          const body = buf.subarray(0, expect.size);
          if (expect.kind === 2) control = body.toString('utf8');
          else data = Buffer.from(body);
          buf = buf.subarray(expect.size + 1);
          expect = undefined;
          sock.write(Buffer.from([0]));
          if (control !== '' && data.length > 0) resolveJob({ queueLine, control, data });
        } else {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) return;
          const line = buf.subarray(0, nl).toString('latin1');
          buf = buf.subarray(nl + 1);
          const code = line.charCodeAt(0);
          const m = /^.(\d+) /.exec(line);
          if ((code !== 2 && code !== 3) || !m) {
            rejectJob(new Error(`unexpected LPD subcommand ${JSON.stringify(line)}`));
            sock.destroy();
            return;
          }
          expect = { kind: code === 2 ? 2 : 3, size: Number(m[1]) };
          sock.write(Buffer.from([0]));
        }
      }
    });
    sock.on('error', () => undefined);
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, sockets, port: typeof a === 'object' && a ? a.port : 0, job });
    });
  });
}

function closeLpd(l: LpdListener): Promise<void> {
  for (const s of l.sockets) s.destroy();
  return new Promise((resolve) => l.server.close(() => resolve()));
}

describe('peer harness', () => {
  let cups: Cups;
  let docs: { path: string; cleanup(): Promise<void> };
  let pdf: string;

  before(async () => {
    docs = await tempDir('harness');
    pdf = await makePdf(docs.path, 'job.pdf', { pages: 3, title: 'Harness job', colorPages: [2] });
    cups = await startCups();
  });
  after(async () => {
    await cups?.stop();
    await docs?.cleanup();
  });

  test('a raw socket queue delivers the exact bytes of the printed PDF', async () => {
    const sink = await startRawSink();
    try {
      await cups.addQueue('raw9100', sink.cupsUri, CUPS_MODELS.raw);
      const id = await cups.print('raw9100', pdf, { title: 'Raw job' });
      await cups.waitJobDone(id, 20_000);
      const got = await sink.nextJob(5000);
      assert.ok(got.equals(await readFile(pdf)), `received ${got.length} bytes, not the PDF`);
    } finally {
      await sink.close();
    }
  });

  test('an lpd queue sends the queue opener and a control file with user and job name', async () => {
    const lpd = await startLpdListener();
    try {
      await cups.addQueue('lpdq', `lpd://127.0.0.1:${lpd.port}/q?reserve=none&snmp=false`, CUPS_MODELS.raw);
      const id = await cups.print('lpdq', pdf, { title: 'LPD title', user: 'alice' });
      const job = await lpd.job;
      assert.deepEqual(job.queueLine, Buffer.from('\x02q\n', 'latin1'));
      assert.match(job.control, /^Palice$/m);
      assert.match(job.control, /^JLPD title$/m);
      assert.ok(job.data.equals(await readFile(pdf)));
      await cups.waitJobDone(id, 20_000);
    } finally {
      await closeLpd(lpd);
    }
  });

  test('waitJobDone rejects with the job\'s error_log lines when the printer refuses the job', async () => {
    const lpd = await startLpdListener(true);
    try {
      await cups.addQueue('refusing', `lpd://127.0.0.1:${lpd.port}/q?reserve=none&snmp=false`, CUPS_MODELS.raw);
      const id = await cups.print('refusing', pdf, { title: 'Refused' });
      await assert.rejects(cups.waitJobDone(id, 20_000), (e: Error) => {
        assert.match(e.message, new RegExp(`CUPS job ${id} (aborted|canceled|processing-stopped)`));
        assert.match(e.message, new RegExp(`\\[Job ${id}\\]`));
        return true;
      });
    } finally {
      await closeLpd(lpd);
    }
  });

  test('the Lexmark CS430 PPD produces PJL wrapped PostScript with the job name', async () => {
    const sink = await startRawSink();
    try {
      await cups.addQueue('lexmark', sink.cupsUri, CUPS_MODELS.lexmarkCs430);
      const id = await cups.print('lexmark', pdf, { title: 'Quarterly report', user: 'bob', copies: 2, sides: 'two-sided-long-edge' });
      await cups.waitJobDone(id, 30_000);
      const text = (await sink.nextJob(5000)).toString('latin1');
      assert.ok(text.startsWith('\x1b%-12345X@PJL'), JSON.stringify(text.slice(0, 40)));
      assert.match(text, /@PJL JOB NAME = "Quarterly report"/);
      assert.match(text, /@PJL SET USERNAME = "bob"/);
      assert.match(text, /@PJL ENTER LANGUAGE = POSTSCRIPT/);
      assert.match(text, /%!PS-Adobe-3\.0/);
    } finally {
      await sink.close();
    }
  });

  test('every exported CUPS model exists on this machine', async () => {
    const models = await listModels(cups);
    for (const [key, model] of Object.entries(CUPS_MODELS)) {
      assert.ok(models.has(model), `${key}: ${model} missing from lpinfo -m`);
    }
  });

  test('ippeveprinter receives documents and ipptool ipp-1.1.test runs against it', async () => {
    const printer = await startIppEvePrinter();
    try {
      assert.match(printer.uri, /^ipp:\/\/127\.0\.0\.1:\d+\/ipp\/print$/);
      const r = await runIpptool(printer.uri, IPP_1_1_TEST, { document: pdf, defines: { NOPRINT: '1' } });
      // Not zero failures: ippeveprinter answers server-error-busy right after Cancel-Job
      // now and then (docs/testing.md).
      assert.ok(r.passed > 20, `only ${r.passed} passed:\n${r.output}`);
      assert.equal(r.failures.length, r.failed);
      const files = await printer.receivedFiles();
      assert.ok(files.length > 0, printer.log());
      const original = await readFile(pdf);
      const copies = await Promise.all(files.map((f) => readFile(f)));
      assert.ok(copies.some((c) => c.equals(original)), 'no received file equals the PDF sent');
    } finally {
      await printer.stop();
    }
  });
});
