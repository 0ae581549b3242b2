// The IPP printer over real loopback HTTP: the status codes of PROTOCOLS.md §4, the
// requested-attributes rules, Print-Job and Create-Job + Send-Document into a real
// (temporary) spool folder, limits, cancellation and connection handling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeMessage } from '../../../../main/capture/ipp/codec.js';
import { PROVISIONAL_ID_BASE } from '../../../../main/capture/ipp/job-table.js';
import { GroupTag, Operation, Status } from '../../../../main/capture/ipp/tags.js';
import { attr, val } from '../../../../main/capture/ipp/values.js';
import { find, groupsOf, ippRequest, one, plain, send, startHarness, type BuildOptions, type Harness } from './harness.js';

const P = GroupTag.printer;
const J = GroupTag.job;
const O = GroupTag.operation;
const U = GroupTag.unsupported;

function printJob(extra: Pick<BuildOptions, 'operation' | 'job'> = {}) {
  return ippRequest(Operation.printJob, {
    operation: [attr('requesting-user-name', val.name('alice')), attr('job-name', val.name('Quarterly Report')), ...(extra.operation ?? [])],
    job: extra.job,
  });
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('IPP printer: status codes (RFC 8011 §4.1, PROTOCOLS.md §4)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('request-id 0 is a bad request', async () => {
    const r = await send(h.port, ippRequest(Operation.getPrinterAttributes, { requestId: 0 }));
    assert.equal(r.httpStatus, 200);
    assert.equal(r.message.code, Status.badRequest);
    assert.equal(find(r.message, P, 'printer-uri-supported'), undefined);
  });

  test('charset and natural-language must be the first two attributes, in that order', async () => {
    const swapped = ippRequest(Operation.getPrinterAttributes);
    const ops = [...swapped.groups[0].attributes];
    [ops[0], ops[1]] = [ops[1], ops[0]];
    const r1 = await send(h.port, { ...swapped, groups: [{ tag: O, attributes: ops }] });
    assert.equal(r1.message.code, Status.badRequest);
    const noLang = { ...swapped, groups: [{ tag: O, attributes: [swapped.groups[0].attributes[0], swapped.groups[0].attributes[2]] }] };
    assert.equal((await send(h.port, noLang)).message.code, Status.badRequest);
    const empty = { ...swapped, groups: [{ tag: O, attributes: [] }] };
    assert.equal((await send(h.port, empty)).message.code, Status.badRequest);
    const none = { ...swapped, groups: [] };
    assert.equal((await send(h.port, none)).message.code, Status.badRequest);
  });

  test('missing printer-uri is a bad request; an unsupported charset is 0x040D', async () => {
    assert.equal((await send(h.port, ippRequest(Operation.getPrinterAttributes, { printerUri: null }))).message.code, Status.badRequest);
    const req = ippRequest(Operation.getPrinterAttributes);
    const ops = [attr('attributes-charset', val.charset('iso-8859-1')), ...req.groups[0].attributes.slice(1)];
    const r = await send(h.port, { ...req, groups: [{ tag: O, attributes: ops }] });
    assert.equal(r.message.code, Status.charsetNotSupported);
    assert.deepEqual(plain(find(r.message, O, 'attributes-charset')), ['utf-8']);
    assert.deepEqual(plain(find(r.message, U, 'attributes-charset')), ['iso-8859-1']);
  });

  test('IPP versions other than 1.x and 2.x are 0x0503; 1.0, 1.1, 2.0 and 2.2 are served', async () => {
    for (const [major, minor] of [
      [0, 0],
      [3, 0],
      [9, 9],
    ]) {
      const r = await send(h.port, ippRequest(Operation.getPrinterAttributes, { major, minor, requestId: 77 }));
      assert.equal(r.message.code, Status.versionNotSupported, `${major}.${minor}`);
      assert.equal(r.message.requestId, 77);
      assert.equal(find(r.message, P, 'printer-uri-supported'), undefined);
    }
    for (const [major, minor] of [
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 2],
    ]) {
      const r = await send(h.port, ippRequest(Operation.getPrinterAttributes, { major, minor }));
      assert.equal(r.message.code, Status.ok, `${major}.${minor}`);
      assert.deepEqual([r.message.major, r.message.minor], [major, minor]);
    }
  });

  test('an unknown operation is 0x0501 and the response echoes the request-id', async () => {
    const r = await send(h.port, ippRequest(0x4001, { requestId: 4242 }));
    assert.equal(r.message.code, Status.operationNotSupported);
    assert.equal(r.message.requestId, 4242);
    assert.equal((await send(h.port, ippRequest(0x0003))).message.code, Status.operationNotSupported, 'Print-URI is not offered');
  });

  test('an unknown job-id is 0x0406; a missing job-id is 0x0400', async () => {
    for (const op of [Operation.getJobAttributes, Operation.cancelJob, Operation.sendDocument]) {
      const r = await send(h.port, ippRequest(op, { operation: [attr('job-id', val.integer(999_999)), attr('last-document', val.boolean(true))] }));
      assert.equal(r.message.code, Status.notFound, `op ${op}`);
      assert.equal((await send(h.port, ippRequest(op))).message.code, Status.badRequest, `op ${op} without job-id`);
    }
  });

  test('document formats outside document-format-supported are 0x040A, compression other than none 0x040F', async () => {
    const fmt = await send(h.port, printJob({ operation: [attr('document-format', val.mime('image/jpeg'))] }), { document: Buffer.from('x') });
    assert.equal(fmt.message.code, Status.documentFormatNotSupported);
    assert.deepEqual(plain(find(fmt.message, U, 'document-format')), ['image/jpeg']);
    const gz = await send(h.port, printJob({ operation: [attr('compression', val.keyword('gzip'))] }), { document: Buffer.from('x') });
    assert.equal(gz.message.code, Status.compressionNotSupported);
    assert.equal((await send(h.port, ippRequest(Operation.validateJob, { operation: [attr('compression', val.keyword('deflate'))] }))).message.code, Status.compressionNotSupported);
    assert.equal(h.sink.jobs.length, 0);
    assert.equal(h.sink.open, 0, 'no receiver was opened for a refused job');
  });

  test('unsupported values: 0x040B with ipp-attribute-fidelity, else 0x0001 plus the unsupported group', async () => {
    const job = [attr('sides', val.keyword('three-sided')), attr('copies', val.integer(0)), attr('media', val.keyword('iso_a4_210x297mm'))];
    const strict = await send(h.port, ippRequest(Operation.validateJob, { operation: [attr('ipp-attribute-fidelity', val.boolean(true))], job }));
    assert.equal(strict.message.code, Status.attributesOrValuesNotSupported);
    assert.deepEqual(groupsOf(strict.message, U)[0].map((a) => a.name).sort(), ['copies', 'sides']);
    const lax = await send(h.port, ippRequest(Operation.validateJob, { operation: [attr('ipp-attribute-fidelity', val.boolean(false))], job }));
    assert.equal(lax.message.code, Status.okIgnoredOrSubstituted);
    assert.deepEqual(plain(find(lax.message, U, 'sides')), ['three-sided']);
    const fine = await send(h.port, ippRequest(Operation.validateJob, { job: [attr('sides', val.keyword('two-sided-short-edge')), attr('copies', val.integer(9999))] }));
    assert.equal(fine.message.code, Status.ok);
    assert.equal(groupsOf(fine.message, U).length, 0);
    // The stored job still carries only what was accepted.
    const stored = await send(h.port, printJob({ job }), { document: Buffer.from('%!PS\n') });
    assert.equal(stored.message.code, Status.okIgnoredOrSubstituted);
    const meta = h.sink.jobs.at(-1)?.meta;
    assert.equal(meta?.sides, null);
    assert.equal(meta?.copies, null);
  });
});

describe('IPP printer: Get-Printer-Attributes', () => {
  let h: Harness;
  let clock = 1_700_000_000_000;
  before(async () => {
    h = await startHarness({ now: () => clock, printerName: 'PullPrint Hybrid' });
  });
  after(async () => h.close());

  const gpa = (requested?: string[]) =>
    ippRequest(Operation.getPrinterAttributes, requested ? { operation: [attr('requested-attributes', ...requested.map(val.keyword))] } : {});

  test('asking only for printer-uri-supported returns nothing else, built from the Host header', async () => {
    const r = await send(h.port, gpa(['printer-uri-supported']), { headers: { Host: 'printhost.example:631' } });
    assert.equal(r.message.code, Status.ok);
    const printer = groupsOf(r.message, P);
    assert.equal(printer.length, 1);
    assert.deepEqual(printer[0].map((a) => a.name), ['printer-uri-supported']);
    assert.deepEqual(plain(printer[0][0]), ['ipp://printhost.example:631/ipp/print']);
  });

  test('a Host header that is not a host name is not echoed into URIs', async () => {
    const r = await send(h.port, gpa(['printer-uri-supported', 'printer-more-info']), { headers: { Host: 'evil/"><x' } });
    assert.deepEqual(plain(find(r.message, P, 'printer-uri-supported')), [`ipp://127.0.0.1:${h.port}/ipp/print`]);
    assert.deepEqual(plain(find(r.message, P, 'printer-more-info')), [`http://127.0.0.1:${h.port}/`]);
  });

  test('groups: all, printer-description, job-template; default is all', async () => {
    const names = async (req: ReturnType<typeof gpa>) => new Set(groupsOf((await send(h.port, req)).message, P)[0].map((a) => a.name));
    const all = await names(gpa(['all']));
    const dflt = await names(gpa());
    const desc = await names(gpa(['printer-description']));
    const tmpl = await names(gpa(['job-template']));
    assert.deepEqual(dflt, all);
    assert.ok(desc.has('printer-name') && !desc.has('copies-default'));
    assert.ok(tmpl.has('copies-supported') && tmpl.has('media-col-default') && !tmpl.has('printer-name'));
    assert.equal(desc.size + tmpl.size, all.size);
    const mixed = await names(gpa(['job-template', 'printer-state', 'no-such-attribute']));
    assert.equal(mixed.size, tmpl.size + 1);
  });

  test('the attributes CUPS and ipp-2.0.test rely on, with the values PROTOCOLS.md §4 asks for', async () => {
    clock += 5_500;
    const r = (await send(h.port, gpa())).message;
    const v = (name: string) => plain(find(r, P, name));
    assert.deepEqual(v('operations-supported'), [0x02, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a, 0x0b]);
    assert.deepEqual(v('document-format-default'), ['application/octet-stream']);
    for (const f of ['application/pdf', 'application/postscript', 'application/vnd.hp-pcl', 'application/vnd.hp-pclxl', 'image/pwg-raster', 'image/urf']) {
      assert.ok(v('document-format-supported')?.includes(f), f);
    }
    assert.deepEqual(v('copies-supported'), [[1, 9999]]);
    assert.deepEqual(v('compression-supported'), ['none']);
    assert.deepEqual(v('ipp-versions-supported'), ['1.1', '2.0']);
    assert.equal(v('uri-security-supported')?.length, v('printer-uri-supported')?.length);
    assert.equal(v('uri-authentication-supported')?.length, v('printer-uri-supported')?.length);
    assert.deepEqual(v('printer-up-time'), [6], 'seconds since start, counting from 1');
    assert.deepEqual(v('printer-name'), ['PullPrint Hybrid']);
    assert.deepEqual(v('printer-state'), [3]);
    assert.deepEqual(v('printer-is-accepting-jobs'), [true]);
    assert.deepEqual(v('color-supported'), [true]);
    assert.ok(v('finishings-supported')?.includes(3));
    assert.deepEqual(v('media-col-default'), [{ 'media-size': [{ 'x-dimension': [21000], 'y-dimension': [29700] }] }]);
    for (const m of v('media-supported') as string[]) assert.match(m, /^(iso|na)_[a-z0-9-]+_[\d.]+x[\d.]+(mm|in)$/);
    assert.deepEqual(v('sides-supported'), ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge']);
    assert.deepEqual(v('printer-resolution-default'), [[600, 600, 3]]);
    assert.ok((v('pages-per-minute-color')?.[0] as number) > 0);
    assert.deepEqual(v('multiple-document-jobs-supported'), [false]);
  });
});

describe('IPP printer: jobs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('Print-Job stores the document and answers completed with job-id = spool seq', async () => {
    const doc = randomBytes(200_000);
    const r = await send(h.port, printJob({ operation: [attr('document-format', val.mime('application/pdf')), attr('document-name', val.name('report.pdf'))], job: [attr('copies', val.integer(3)), attr('sides', val.keyword('two-sided-long-edge')), attr('print-color-mode', val.keyword('monochrome'))] }), { document: chunks(doc, 7_000) });
    assert.equal(r.message.code, Status.ok);
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored);
    assert.equal(one(r.message, J, 'job-id'), stored.job.seq);
    assert.equal(one(r.message, J, 'job-state'), 9);
    assert.deepEqual(plain(find(r.message, J, 'job-state-reasons')), ['job-completed-successfully']);
    assert.match(one(r.message, J, 'job-uri') as string, new RegExp(`^ipp://127\\.0\\.0\\.1:${h.port}/ipp/print/${stored.job.seq}$`));
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(doc));
    assert.deepEqual(stored.meta, {
      protocol: 'ipp',
      user: 'alice',
      jobName: 'Quarterly Report',
      sourceFile: 'report.pdf',
      copies: 3,
      sides: 'two-sided-long-edge',
      colorMode: 'monochrome',
      documentFormat: 'application/pdf',
      queue: 'pullq',
    });
    assert.equal(stored.ctx.protocol, 'ipp');
    assert.equal(stored.ctx.mode, 'local');
    assert.equal(h.sink.maxConcurrentWrites, 1, 'writes are awaited one at a time (back-pressure)');

    const ga = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(stored.job.seq))] }));
    assert.equal(ga.message.code, Status.ok);
    assert.equal(one(ga.message, J, 'job-name'), 'Quarterly Report');
    assert.equal(one(ga.message, J, 'job-originating-user-name'), 'alice');
    assert.equal(one(ga.message, J, 'copies'), 3);
    assert.equal(one(ga.message, J, 'job-k-octets'), Math.ceil(200_000 / 1024));
    assert.ok((one(ga.message, J, 'time-at-completed') as number) >= (one(ga.message, J, 'time-at-creation') as number));

    const cancel = await send(h.port, ippRequest(Operation.cancelJob, { operation: [attr('job-id', val.integer(stored.job.seq))] }));
    assert.equal(cancel.message.code, Status.notPossible);
  });

  test('Print-Job with Content-Length and without any document format, at / and /ipp/print/', async () => {
    for (const path of ['/', '/ipp/print/']) {
      const doc = Buffer.from(`%!PS-Adobe-3.0\n% via ${path}\nshowpage\n`);
      const r = await send(h.port, printJob(), { document: doc, chunked: false, path });
      assert.equal(r.message.code, Status.ok, path);
      const stored = h.sink.jobs.at(-1);
      assert.ok(stored && (await h.sink.bytesOf(stored.job.seq)).equals(doc));
      assert.equal(stored.meta.documentFormat, null);
      assert.equal(stored.meta.copies, null, 'no copies attribute: the PDL decides');
    }
  });

  test('Print-Job without document data is refused and stores nothing', async () => {
    const before = h.sink.jobs.length;
    const r = await send(h.port, printJob());
    assert.equal(r.message.code, Status.badRequest);
    assert.equal(h.sink.jobs.length, before);
    assert.equal(h.sink.aborted.at(-1)?.code, 'NO_DOCUMENT');
    assert.deepEqual((await h.sink.files()).filter((f) => f.startsWith('.tmp')), []);
  });

  test('Create-Job + chunked Send-Document: many small chunks arrive byte-exact with Create-Job metadata', async () => {
    const created = await send(h.port, ippRequest(Operation.createJob, {
      operation: [attr('requesting-user-name', val.name('bob')), attr('job-name', val.name('Minutes ✓'))],
      job: [attr('copies', val.integer(2)), attr('print-color-mode', val.keyword('color'))],
    }));
    assert.equal(created.message.code, Status.ok);
    const jobId = one(created.message, J, 'job-id') as number;
    assert.ok(jobId > PROVISIONAL_ID_BASE, 'Create-Job ids come from the provisional range');
    assert.equal(one(created.message, J, 'job-state'), 3);

    const pending = await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('which-jobs', val.keyword('not-completed'))] }));
    assert.ok(groupsOf(pending.message, J).some((g) => plain(g.find((a) => a.name === 'job-id'))?.[0] === jobId));

    const doc = randomBytes(300_001);
    const parts = chunks(doc, 997);
    const r = await send(
      h.port,
      ippRequest(Operation.sendDocument, {
        operation: [attr('job-id', val.integer(jobId)), attr('requesting-user-name', val.name('bob')), attr('last-document', val.boolean(true)), attr('document-format', val.mime('application/vnd.hp-pclxl'))],
      }),
      { document: parts },
    );
    assert.equal(r.message.code, Status.ok);
    assert.equal(one(r.message, J, 'job-id'), jobId);
    assert.equal(one(r.message, J, 'job-state'), 9);
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored);
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(doc));
    assert.equal(stored.meta.user, 'bob');
    assert.equal(stored.meta.jobName, 'Minutes ✓');
    assert.equal(stored.meta.copies, 2);
    assert.equal(stored.meta.colorMode, 'color');
    assert.equal(stored.meta.documentFormat, 'application/vnd.hp-pclxl');

    const ga = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(jobId)), attr('requested-attributes', val.keyword('job-state'), val.keyword('job-name'))] }));
    assert.deepEqual(groupsOf(ga.message, J)[0].map((a) => a.name), ['job-name', 'job-state']);
    assert.equal(one(ga.message, J, 'job-state'), 9);

    const again = await send(h.port, ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(jobId)), attr('last-document', val.boolean(true))] }), { document: Buffer.from('more') });
    assert.equal(again.message.code, Status.notPossible, 'one document per job');
  });

  test('Send-Document rules: last-document missing (0x0400) or false (0x0509); the job keeps waiting; Cancel-Job cancels it', async () => {
    const created = await send(h.port, ippRequest(Operation.createJob, { operation: [attr('requesting-user-name', val.name('carol'))] }));
    const jobId = one(created.message, J, 'job-id') as number;
    const opsFor = (extra: ReturnType<typeof attr>[]) => ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(jobId)), ...extra] });
    assert.equal((await send(h.port, opsFor([]), { document: randomBytes(50_000) })).message.code, Status.badRequest);
    const notLast = await send(h.port, opsFor([attr('last-document', val.boolean(false))]), { document: Buffer.from('x') });
    assert.equal(notLast.message.code, Status.multipleDocumentJobsNotSupported);
    const gja = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(jobId))] }));
    assert.equal(one(gja.message, J, 'job-state'), 3);
    const cancel = await send(h.port, ippRequest(Operation.cancelJob, { operation: [attr('job-id', val.integer(jobId))] }));
    assert.equal(cancel.message.code, Status.ok);
    const after = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(jobId))] }));
    assert.equal(one(after.message, J, 'job-state'), 7);
    assert.equal((await send(h.port, ippRequest(Operation.cancelJob, { operation: [attr('job-id', val.integer(jobId))] }))).message.code, Status.notPossible);
    assert.equal((await send(h.port, opsFor([attr('last-document', val.boolean(true))]), { document: Buffer.from('late') })).message.code, Status.notPossible);
  });

  test('a job the table does not know but the spool does (sink.find) is reported completed', async () => {
    // Stored behind the printer's back, as after a restart or by another protocol.
    const receiver = await h.sink.begin({ protocol: 'lpd', mode: 'local', peer: 'test' });
    await receiver.write(Buffer.from('%!PS\n'));
    const committed = await receiver.commit({ protocol: 'lpd', user: 'zoe' });
    const ga = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(committed.seq))] }));
    assert.equal(ga.message.code, Status.ok);
    assert.equal(one(ga.message, J, 'job-state'), 9);
    assert.equal(one(ga.message, J, 'job-k-octets'), 1);
    const cancel = await send(h.port, ippRequest(Operation.cancelJob, { operation: [attr('job-id', val.integer(committed.seq))] }));
    assert.equal(cancel.message.code, Status.notPossible);
  });

  test('job operations also accept job-uri instead of printer-uri + job-id', async () => {
    const created = await send(h.port, ippRequest(Operation.createJob));
    const jobUri = one(created.message, J, 'job-uri') as string;
    const req = ippRequest(Operation.getJobAttributes, { printerUri: null, operation: [attr('job-uri', val.uri(jobUri))] });
    const r = await send(h.port, req, { path: new URL(jobUri.replace('ipp:', 'http:')).pathname });
    assert.equal(r.message.code, Status.ok);
    assert.equal(one(r.message, J, 'job-uri'), jobUri);
    await send(h.port, ippRequest(Operation.cancelJob, { printerUri: null, operation: [attr('job-uri', val.uri(jobUri))] }));
  });

  test('Get-Jobs: job-id and job-uri by default; which-jobs, my-jobs, limit, requested-attributes', async () => {
    const d = await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('which-jobs', val.keyword('completed'))] }));
    assert.equal(d.message.code, Status.ok);
    const groups = groupsOf(d.message, J);
    assert.ok(groups.length >= 3);
    for (const g of groups) assert.deepEqual(g.map((a) => a.name), ['job-id', 'job-uri']);
    const states = groupsOf((await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('which-jobs', val.keyword('completed')), attr('requested-attributes', val.keyword('job-state'))] }))).message, J);
    assert.ok(states.every((g) => [7, 8, 9].includes(plain(g[0])?.[0] as number)));
    const mine = groupsOf((await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('requesting-user-name', val.name('bob')), attr('my-jobs', val.boolean(true)), attr('which-jobs', val.keyword('all')), attr('requested-attributes', val.keyword('all'))] }))).message, J);
    assert.ok(mine.length >= 1);
    assert.ok(mine.every((g) => plain(g.find((a) => a.name === 'job-originating-user-name'))?.[0] === 'bob'));
    const nobody = groupsOf((await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('requesting-user-name', val.name('not-bob')), attr('my-jobs', val.boolean(true)), attr('which-jobs', val.keyword('all'))] }))).message, J);
    assert.equal(nobody.length, 0);
    const limited = groupsOf((await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('which-jobs', val.keyword('all')), attr('limit', val.integer(2))] }))).message, J);
    assert.equal(limited.length, 2);
    const bad = await send(h.port, ippRequest(Operation.getJobs, { operation: [attr('which-jobs', val.keyword('fetchable'))] }));
    assert.equal(bad.message.code, Status.attributesOrValuesNotSupported);
    assert.deepEqual(plain(find(bad.message, U, 'which-jobs')), ['fetchable']);
  });
});

describe('IPP printer: limits and failures', () => {
  test('a document over maxJobSizeBytes is aborted with 0x0408 and leaves no file', async () => {
    const h = await startHarness({ maxJobSizeBytes: 100_000 });
    try {
      const r = await send(h.port, printJob(), { document: chunks(randomBytes(400_000), 16_384) });
      assert.equal(r.message.code, Status.requestEntityTooLarge);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0]?.code, 'JOB_TOO_LARGE');
      assert.ok(h.sink.aborted[0].bytes <= 100_000, 'nothing past the limit was written');
      assert.deepEqual(await h.sink.files(), []);
      const ok = await send(h.port, printJob(), { document: randomBytes(99_000) });
      assert.equal(ok.message.code, Status.ok);
      const declared = await send(h.port, printJob({ operation: [attr('job-k-octets', val.integer(1000))] }), { document: Buffer.from('x') });
      assert.equal(declared.message.code, Status.requestEntityTooLarge, 'job-k-octets over the limit is refused up front');
    } finally {
      await h.close();
    }
  });

  test('the spool limits and failures map to 0x0408 and 0x0507 (CUPS retries busy)', async () => {
    const h = await startHarness({ sink: { maxBytes: 10_000 } });
    try {
      assert.equal((await send(h.port, printJob(), { document: randomBytes(20_000) })).message.code, Status.requestEntityTooLarge);
      h.sink.options.failBegin = 'DISK_FULL';
      assert.equal((await send(h.port, printJob(), { document: randomBytes(100) })).message.code, Status.busy);
      h.sink.options.failBegin = 'SPOOL_UNAVAILABLE';
      const created = await send(h.port, ippRequest(Operation.createJob));
      const jobId = one(created.message, J, 'job-id') as number;
      const sd = await send(h.port, ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(jobId)), attr('last-document', val.boolean(true))] }), { document: randomBytes(100) });
      assert.equal(sd.message.code, Status.busy);
      assert.equal(h.sink.jobs.length, 0);
      assert.deepEqual((await h.sink.files()).filter((f) => f.startsWith('.tmp')), []);
    } finally {
      await h.close();
    }
  });

  test('attribute groups over 1 MiB, garbage and truncated bodies get an IPP 0x0400 answer', async () => {
    const h = await startHarness();
    try {
      const huge = ippRequest(Operation.getPrinterAttributes, { operation: Array.from({ length: 40 }, (_, i) => attr(`x-filler-${i}`, val.octets(Buffer.alloc(30_000, 0x41)))) });
      const big = await send(h.port, huge);
      assert.equal(big.httpStatus, 200);
      assert.equal(big.message.code, Status.badRequest);
      assert.match(String(plain(find(big.message, O, 'status-message'))?.[0]), /exceed/);

      const garbage = await send(h.port, null, { raw: Buffer.from('GET / HTTP/1.1\r\n\r\n') });
      assert.equal(garbage.message.code, Status.badRequest);
      const valid = encodeMessage(ippRequest(Operation.getPrinterAttributes, { requestId: 31337 }));
      const cut = await send(h.port, null, { raw: valid.subarray(0, valid.length - 3) });
      assert.equal(cut.message.code, Status.badRequest);
      assert.equal(cut.message.requestId, 31337, 'the request-id is echoed once the header was read');
      const tiny = await send(h.port, null, { raw: Buffer.from([2, 0]) });
      assert.equal(tiny.message.code, Status.badRequest);
    } finally {
      await h.close();
    }
  });

  test('a client that disconnects mid-document leaves no job and no temporary file', async () => {
    const h = await startHarness();
    try {
      const head = encodeMessage(printJob());
      const sock = connect(h.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      const body = Buffer.concat([head, randomBytes(50_000)]);
      sock.write(`POST /ipp/print HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ipp\r\nTransfer-Encoding: chunked\r\n\r\n`);
      sock.write(`${body.length.toString(16)}\r\n`);
      sock.write(body);
      sock.write('\r\n');
      await h.sink.waitOpen(1);
      sock.destroy();
      await h.sink.settled(1);
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted[0].code, 'CONNECTION_RESET');
      assert.deepEqual(await h.sink.files(), []);
      assert.equal((await send(h.port, ippRequest(Operation.getPrinterAttributes))).message.code, Status.ok, 'the printer still answers');
    } finally {
      await h.close();
    }
  });

  test('Cancel-Job during Send-Document stops the upload and aborts the receiver', async () => {
    const h = await startHarness({ sink: { writeDelayMs: 5 } });
    try {
      const created = await send(h.port, ippRequest(Operation.createJob));
      const jobId = one(created.message, J, 'job-id') as number;
      const head = encodeMessage(ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(jobId)), attr('last-document', val.boolean(true))] }));
      const upload = new Promise<{ status: number; body: Buffer } | Error>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: h.port, method: 'POST', path: '/ipp/print', headers: { 'Content-Type': 'application/ipp', 'Transfer-Encoding': 'chunked' } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (b: Buffer) => parts.push(b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
        });
        req.on('error', (e) => resolve(e));
        req.write(head);
        const timer = setInterval(() => req.write(randomBytes(4096)), 2);
        req.on('close', () => clearInterval(timer));
        setTimeout(() => {
          clearInterval(timer);
          req.end();
        }, 1500);
      });
      await h.sink.waitOpen(1);
      await sleep(50);
      const cancel = await send(h.port, ippRequest(Operation.cancelJob, { operation: [attr('job-id', val.integer(jobId))] }));
      assert.equal(cancel.message.code, Status.ok);
      const result = await upload;
      if (!(result instanceof Error)) assert.equal(result.status, 200);
      await h.sink.settled(1);
      assert.equal(h.sink.aborted[0].code, 'JOB_ABORTED');
      assert.equal(h.sink.jobs.length, 0);
      const ga = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(jobId))] }));
      assert.equal(one(ga.message, J, 'job-state'), 7);
    } finally {
      await h.close();
    }
  });

  test('a Create-Job whose document never comes is aborted after multiple-operation-time-out; at most 64 wait at once', async () => {
    let clock = 1_000_000;
    const h = await startHarness({ now: () => clock });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 64; i++) ids.push(one((await send(h.port, ippRequest(Operation.createJob))).message, J, 'job-id') as number);
      assert.equal((await send(h.port, ippRequest(Operation.createJob))).message.code, Status.busy);
      const gpa = await send(h.port, ippRequest(Operation.getPrinterAttributes, { operation: [attr('requested-attributes', val.keyword('queued-job-count'))] }));
      assert.equal(one(gpa.message, P, 'queued-job-count'), 64);
      clock += 301_000;
      const ga = await send(h.port, ippRequest(Operation.getJobAttributes, { operation: [attr('job-id', val.integer(ids[0]))] }));
      assert.equal(one(ga.message, J, 'job-state'), 8);
      assert.equal((await send(h.port, ippRequest(Operation.createJob))).message.code, Status.ok);
      const sd = await send(h.port, ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(ids[1])), attr('last-document', val.boolean(true))] }), { document: Buffer.from('x') });
      assert.equal(sd.message.code, Status.notPossible);
    } finally {
      await h.close();
    }
  });
});

describe('IPP printer: HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  function plainHttp(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: h.port, method, path, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (body += s));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('GET / is a small text page; other paths and methods are plain HTTP errors', async () => {
    const home = await plainHttp('GET', '/');
    assert.equal(home.status, 200);
    assert.match(home.body, /PullPrint Test/);
    assert.equal((await plainHttp('HEAD', '/')).status, 200);
    assert.equal((await plainHttp('GET', '/ipp/print')).status, 405);
    assert.equal((await plainHttp('DELETE', '/')).headers.allow, 'GET, HEAD, POST');
    assert.equal((await plainHttp('GET', '/admin')).status, 404);
    assert.equal((await plainHttp('POST', '/printers/x', { 'Content-Type': 'application/ipp' })).status, 404);
    assert.equal((await plainHttp('POST', '/ipp/print', { 'Content-Type': 'text/plain' })).status, 415);
  });

  test('keep-alive: after an early refusal of a request with a document, the same connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(h.port, ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(12345))] }), { agent, document: chunks(randomBytes(600_000), 32_768) });
      assert.equal(first.message.code, Status.notFound);
      const second = await send(h.port, ippRequest(Operation.getPrinterAttributes), { agent });
      assert.equal(second.message.code, Status.ok);
      assert.equal(second.reusedSocket, true);
      const third = await send(h.port, printJob(), { agent, document: Buffer.from('%PDF-1.4\n') });
      assert.equal(third.message.code, Status.ok);
      assert.equal(third.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  test('Expect: 100-continue is answered and the job goes through', async () => {
    const r = await send(h.port, printJob(), { headers: { Expect: '100-continue' }, document: randomBytes(10_000) });
    assert.equal(r.message.code, Status.ok);
  });

  test('close() cuts uploads in progress and refuses new requests', async () => {
    const h2 = await startHarness({ sink: { writeDelayMs: 5 } });
    try {
      const head = encodeMessage(printJob());
      const sock = connect(h2.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.on('error', () => undefined);
      sock.write(`POST /ipp/print HTTP/1.1\r\nHost: x\r\nContent-Type: application/ipp\r\nTransfer-Encoding: chunked\r\n\r\n${head.length.toString(16)}\r\n`);
      sock.write(head);
      sock.write('\r\n');
      sock.write('1000\r\n' + 'A'.repeat(4096) + '\r\n');
      await h2.sink.waitOpen(1);
      h2.printer.close();
      await h2.sink.settled(1);
      assert.equal(h2.sink.aborted.length, 1);
      assert.deepEqual(await h2.sink.files(), []);
      const after = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: h2.port, method: 'GET', path: '/', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(after, 503);
      sock.destroy();
    } finally {
      await h2.close();
    }
  });
});
