// Release to ordinary printers, against real peers on loopback: CUPS's ippeveprinter
// (IPP Print-Job; documents checked byte for byte in its spool folder, attributes read
// back with Get-Job-Attributes) and a raw port-9100 receiver (PJL header and PCL XL
// attributes of late-bound jobs read back from the bytes that arrived; PostScript
// rendered by ghostscript). Failures leave the job held and say why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { decodeMessage, encodeMessage, type IppAttribute } from '../../../main/capture/ipp/codec.js';
import { GroupTag, Operation } from '../../../main/capture/ipp/tags.js';
import { attr, findAttribute, intValue, stringValue, val } from '../../../main/capture/ipp/values.js';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { createPclXlInspector } from '../../../main/pdl/pclxl.js';
import { ReleaseService, type ReleaseEvent } from '../../../main/release/index.js';
import type { Spool } from '../../../main/spool/spool.js';
import type { DeleteReason } from '../../../main/spool/types.js';
import { errorCode } from '../../../main/util/errors.js';
import { gsConvert, makePdf, makePostScript, postScriptText, tempDir } from '../../helpers/documents.js';
import { startIppEvePrinter, type IppEvePrinter } from '../../peers/ippeveprinter.js';
import { startRawSink, type RawSink } from '../../peers/raw-sink.js';
import { memoryLogger, openSpool, storeJob, tempDataDir } from './fixture.js';

const OWNER = 'alice@example.com';

async function getJobAttributes(printer: IppEvePrinter, jobId: number): Promise<IppAttribute[]> {
  const body = encodeMessage({
    major: 2, minor: 0, code: Operation.getJobAttributes, requestId: 7,
    groups: [{
      tag: GroupTag.operation,
      attributes: [
        attr('attributes-charset', val.charset('utf-8')),
        attr('attributes-natural-language', val.language('en')),
        attr('printer-uri', val.uri(printer.uri)),
        attr('job-id', val.integer(jobId)),
        attr('requesting-user-name', val.name(OWNER)),
        attr('requested-attributes', val.keyword('all')),
      ],
    }],
  });
  const res = await request(printer.uri.replace(/^ipp:/, 'http:'), { method: 'POST', headers: { 'content-type': 'application/ipp' }, body });
  const { message } = decodeMessage(Buffer.from(await res.body.arrayBuffer()));
  assert.ok(message.code < 0x0100, `Get-Job-Attributes status 0x${message.code.toString(16)}`);
  return [...(message.groups.find((g) => g.tag === GroupTag.job)?.attributes ?? [])];
}

function group(attrs: IppAttribute[]): { tag: number; attributes: IppAttribute[] } {
  return { tag: GroupTag.job, attributes: attrs };
}

/** The PCL XL facts of a job's bytes: everything after its `ENTER LANGUAGE = PCLXL` line. */
function pclxlFacts(bytes: Buffer): { duplex: boolean | null | undefined; pages: number | null | undefined } {
  const text = bytes.toString('latin1');
  const m = /@PJL ENTER LANGUAGE\s*=\s*PCLXL\r?\n/.exec(text);
  assert.ok(m, 'no ENTER LANGUAGE = PCLXL');
  const ins = createPclXlInspector();
  ins.write(bytes.subarray(m.index + m[0].length));
  ins.end();
  assert.equal(ins.problem(), null);
  const r = ins.result();
  return { duplex: r.duplex, pages: r.pages };
}

describe('release to printers', () => {
  const hooks: (() => Promise<void>)[] = [];
  const t = { after: (fn: () => Promise<void>) => void hooks.push(fn) };
  let printer: IppEvePrinter;
  let sink: RawSink;
  let spool: Spool;
  let service: ReleaseService;
  let docs: string;
  let dataDir: string;
  const events: ReleaseEvent[] = [];
  const deleted: { id: string; reason: DeleteReason }[] = [];

  before(async () => {
    [printer, sink] = await Promise.all([startIppEvePrinter({ duplex: true }), startRawSink()]);
    hooks.push(() => printer.stop(), () => sink.close());
    const d = await tempDir('release-docs');
    docs = d.path;
    hooks.push(() => d.cleanup());
    dataDir = await tempDataDir(t, 'release-delivery');
    spool = await openSpool(dataDir);
    hooks.push(() => spool.close());
    spool.on('job-deleted', (job, reason) => deleted.push({ id: job.id, reason }));
    service = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lateBindingEnabled: true, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK, delivery: { connectTimeoutMs: 3000, closeWaitMs: 3000 },
    });
    await service.start();
    hooks.push(() => service.stop());
    service.events.on((e) => events.push(e));
  });
  after(async () => {
    for (const h of hooks.reverse()) await h();
  });

  test('IPP: a PDF arrives byte for byte; job-name, user and format as stored; the job is deleted (released)', async () => {
    const pdf = await readFile(await makePdf(docs, 'plain.pdf', { pages: 2, title: 'Budget 2026' }));
    const job = await storeJob(spool, pdf, { owner: OWNER, title: 'Budget 2026' });
    assert.equal(job.pdl, 'pdf');
    const before = (await printer.receivedFiles()).length;
    const out = await service.releaseJob(job.id, { printer: printer.uri });
    assert.equal(out.state, 'released-deleted');
    assert.equal(out.protocol, 'ipp');
    assert.equal(out.bytesSent, pdf.length);
    assert.ok(out.printerJobId !== null && out.printerJobId > 0);
    const files = await printer.receivedFiles();
    assert.equal(files.length, before + 1);
    assert.ok((await readFile(files[files.length - 1])).equals(pdf), 'the document that landed differs');
    const attrs = group(await getJobAttributes(printer, out.printerJobId));
    assert.equal(stringValue(findAttribute(attrs, 'job-name')), 'Budget 2026');
    assert.equal(stringValue(findAttribute(attrs, 'job-originating-user-name')), OWNER);
    assert.equal(stringValue(findAttribute(attrs, 'document-format')) ?? stringValue(findAttribute(attrs, 'document-format-supplied')), 'application/pdf');
    assert.equal(spool.get(job.id), undefined);
    assert.deepEqual(deleted.filter((x) => x.id === job.id).map((x) => x.reason), ['released']);
    const ev = events.find((e) => e.type === 'job-released' && e.job.id === job.id);
    assert.ok(ev && ev.type === 'job-released' && ev.via === 'direct' && ev.printer === printer.uri);
  });

  test('IPP: PDF with changes carries them as IPP attributes (copies once), document unchanged; kept', async () => {
    const pdf = await readFile(await makePdf(docs, 'changed.pdf', { pages: 1, title: 'Twice' }));
    const job = await storeJob(spool, pdf, { owner: OWNER, title: 'Twice' });
    const out = await service.releaseJob(job.id, { printer: printer.uri, keep: true, changes: { copies: 2, sides: 'duplex-long' } });
    assert.equal(out.state, 'released-kept');
    assert.deepEqual(out.changes, { copies: 2, sides: 'duplex-long' });
    assert.equal(spool.get(job.id)?.state, 'released-kept');
    const files = await printer.receivedFiles();
    assert.ok((await readFile(files[files.length - 1])).equals(pdf));
    const attrs = group(await getJobAttributes(printer, out.printerJobId ?? 0));
    assert.equal(intValue(findAttribute(attrs, 'copies')), 2);
    assert.equal(stringValue(findAttribute(attrs, 'sides')), 'two-sided-long-edge');
  });

  test('IPP: PostScript with copies from the capture protocol: copies in the document only (PJL QTY), none over IPP', async () => {
    const ps = Buffer.from(postScriptText({ pages: 2, title: 'Thrice' }));
    const job = await storeJob(spool, ps, { owner: OWNER, title: 'Thrice', copies: 3 });
    assert.equal(job.copies, 3);
    const out = await service.releaseJob(job.id, { printer: printer.uri });
    assert.deepEqual(out.changes, { copies: 3 });
    const files = await printer.receivedFiles();
    const landed = (await readFile(files[files.length - 1])).toString('latin1');
    assert.match(landed, /@PJL SET QTY=3\n/);
    assert.ok(landed.includes('<</NumCopies 1>> setpagedevice'), 'the PostScript asks for one copy');
    const attrs = group(await getJobAttributes(printer, out.printerJobId ?? 0));
    const copies = intValue(findAttribute(attrs, 'copies'));
    assert.ok(copies === undefined || copies === 1, `IPP copies ${copies}`);
  });

  test('IPP failures leave the job held and say why: refused (with the status), unreachable', async () => {
    const job = await storeJob(spool, Buffer.from(postScriptText({ pages: 1 })), { owner: OWNER });
    await assert.rejects(service.releaseJob(job.id, { printer: printer.uri.replace('/ipp/print', '/ipp/nowhere') }), (err: unknown) => {
      assert.equal(errorCode(err), 'PRINTER_REFUSED');
      return true;
    });
    const closed = await closedPort();
    await assert.rejects(service.releaseJob(job.id, { printer: `ipp://127.0.0.1:${closed}/ipp/print` }), (err: unknown) => {
      assert.equal(errorCode(err), 'PRINTER_UNREACHABLE');
      return true;
    });
    assert.equal(spool.get(job.id)?.state, 'held');
    const failures = events.filter((e) => e.type === 'release-failed' && e.jobId === job.id);
    assert.deepEqual(failures.map((e) => e.type === 'release-failed' && e.code), ['PRINTER_REFUSED', 'PRINTER_UNREACHABLE']);
  });

  test('IPP: a printer refusing the document format: PRINTER_REFUSED with its IPP status code', async () => {
    const pdfOnly = await startIppEvePrinter({ formats: ['application/pdf'] });
    try {
      const job = await storeJob(spool, Buffer.from(postScriptText({ pages: 1 })), { owner: OWNER });
      await assert.rejects(service.releaseJob(job.id, { printer: pdfOnly.uri }), (err: unknown) => {
        assert.equal(errorCode(err), 'PRINTER_REFUSED');
        // RFC 8011 allows either status for an unsupported document-format; ippeveprinter sends 0x040B.
        assert.match(String((err as Error).message), /client-error-(document-format|attributes-or-values)-not-supported/);
        assert.ok([0x040a, 0x040b].includes((err as { detail: { ippStatus: number } }).detail.ippStatus));
        return true;
      });
      assert.equal(spool.get(job.id)?.state, 'held');
    } finally {
      await pdfOnly.stop();
    }
  });

  test('IPPS: an untrusted printer certificate is refused (PRINTER_TLS) unless allowed', async () => {
    const ps = Buffer.from(postScriptText({ pages: 1, title: 'Over TLS' }));
    const job = await storeJob(spool, ps, { owner: OWNER, title: 'Over TLS' });
    const ipps = printer.uri.replace(/^ipp:/, 'ipps:');
    await assert.rejects(service.releaseJob(job.id, { printer: ipps }), (e: unknown) => errorCode(e) === 'PRINTER_TLS');
    assert.equal(spool.get(job.id)?.state, 'held');
    const trusting = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lateBindingEnabled: true, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK, printerTls: { allowUntrusted: true },
    });
    const out = await trusting.releaseJob(job.id, { printer: ipps });
    assert.equal(out.protocol, 'ipps');
    const files = await printer.receivedFiles();
    assert.ok((await readFile(files[files.length - 1])).equals(ps));
  });

  test('raw 9100: a PJL job arrives byte for byte', async () => {
    const ps = postScriptText({ pages: 2, title: 'Raw' });
    const pjl = Buffer.from(`\x1b%-12345X@PJL JOB NAME="Raw"\r\n@PJL SET USERNAME="alice"\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n${ps}\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X`, 'latin1');
    const job = await storeJob(spool, pjl, { owner: OWNER });
    const out = await service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, keep: true });
    assert.equal(out.protocol, 'socket');
    const got = await sink.nextJob(5000);
    assert.ok(got.equals(pjl), 'bytes differ');
    assert.equal(out.bytesSent, pjl.length);
    assert.equal(spool.get(job.id)?.state, 'released-kept');
  });

  test('raw 9100: late binding on PCL XL — PJL header byte-checked, duplex in the PCL XL page attributes', async () => {
    const ps = await makePostScript(docs, 'xl.ps', { pages: 2 });
    const xl = await readFile(await gsConvert(ps, 'pxlmono', join(docs, 'xl.pxl')));
    assert.notEqual(pclxlFacts(xl).duplex, true, 'the source is simplex');
    const job = await storeJob(spool, xl, { owner: OWNER, title: 'XL' });
    assert.equal(job.pdl, 'pclxl');
    await service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, changes: { sides: 'duplex-long' } });
    const got = await sink.nextJob(5000);
    const header = '\x1b%-12345X@PJL SET RENDERMODE=GRAYSCALE\n@PJL SET RESOLUTION=600\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE = PCLXL\n';
    assert.equal(got.subarray(0, header.length).toString('latin1'), header);
    const f = pclxlFacts(got);
    assert.equal(f.duplex, true);
    assert.equal(f.pages, 2);
  });

  test('raw 9100: PostScript with copies and duplex, rendered by ghostscript', async () => {
    const ps = Buffer.from(postScriptText({ pages: 3, title: 'Render me' }));
    const job = await storeJob(spool, ps, { owner: OWNER, title: 'Render me' });
    await service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, changes: { copies: 2, sides: 'duplex-long' } });
    const got = await sink.nextJob(5000);
    const text = got.toString('latin1');
    assert.ok(text.startsWith('\x1b%-12345X@PJL JOB NAME="Render me"\n@PJL SET QTY=2\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE=POSTSCRIPT\n'), text.slice(0, 200));
    // ghostscript reads the PostScript part (it does not act on PJL): the injected
    // setpagedevice requests apply, the document still renders all its pages.
    const delivered = join(docs, 'delivered.ps');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(delivered, text.slice(text.indexOf('%!PS')));
    const rendered = await readFile(await gsConvert(delivered, 'pxlmono', join(docs, 'rendered.pxl')));
    const f = pclxlFacts(rendered);
    assert.equal(f.duplex, true, 'Duplex reached the device');
    assert.equal(f.pages, 3, 'one copy per page from the PostScript; the second copy is PJL QTY=2, for the printer');
  });

  test('raw 9100: unreachable; late binding refused when disabled; unknown job; busy job', async () => {
    const job = await storeJob(spool, Buffer.from(postScriptText({ pages: 1 })), { owner: OWNER });
    await assert.rejects(service.releaseJob(job.id, { printer: `socket://127.0.0.1:${await closedPort()}` }), (e: unknown) => errorCode(e) === 'PRINTER_UNREACHABLE');
    await assert.rejects(service.releaseJob('00000000-0000-4000-8000-000000000000', { printer: `socket://127.0.0.1:${sink.port}` }), (e: unknown) => errorCode(e) === 'JOB_NOT_FOUND');
    await assert.rejects(service.releaseJob(job.id, { printer: 'lpd://127.0.0.1/q' }), (e: unknown) => errorCode(e) === 'BAD_PRINTER_URI');
    await assert.rejects(service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, changes: { copies: 0 } }), (e: unknown) => errorCode(e) === 'BAD_LATE_BINDING');

    const noLb = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lateBindingEnabled: false, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK,
    });
    await assert.rejects(noLb.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, changes: { copies: 2 } }), (e: unknown) => errorCode(e) === 'LATE_BINDING_DISABLED');

    // A printer that takes the bytes but never closes: the first release is still under way.
    const { server, port } = await holdingServer();
    try {
      const first = service.releaseJob(job.id, { printer: `socket://127.0.0.1:${port}` });
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}` }), (e: unknown) => errorCode(e) === 'JOB_BUSY');
      server.close(); // the printer closes: the first release completes
      const out = await first;
      assert.equal(out.state, 'released-deleted');
    } finally {
      server.close();
    }
    assert.equal(spool.get(job.id), undefined);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A "printer" that takes the bytes and never closes by itself; close() hangs up on every connection. */
function holdingServer(): Promise<{ server: { close(): void }; port: number }> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    // allowHalfOpen: our end of the job does not make it close its side.
    const server: Server = createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.on('data', () => undefined);
      s.on('error', () => undefined);
    });
    const close = (): void => {
      for (const s of sockets) s.destroy();
      server.close();
    };
    server.listen(0, '127.0.0.1', () => resolve({ server: { close }, port: (server.address() as { port: number }).port }));
  });
}
