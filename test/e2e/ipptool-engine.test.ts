// CUPS's conformance suites (ipptool -t ipp-1.1.test, ipp-2.0.test) against the IPP
// endpoint of a real Engine (capture listener → sniffing → IPP printer → spool), printing
// for real: every applicable test passes, and every document the suites printed is in the
// spool, intact, with the facts its request and its bytes carry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { JobRecord } from '../../main/spool/spool.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { inkCoverage, makePdf, pdfPageCount, tempDir } from '../helpers/documents.js';
import { IPP_1_1_TEST, IPP_2_0_TEST, runIpptool, type IpptoolResult } from '../peers/ipptool.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Tests that print the `-f` document: Print-Job (twice), Create-Job + Send-Document, copies. */
const PRINTS_FILE = /^(RFC 8011 section 4\.2\.1: Print-Job Operation|RFC 8011 section 4\.3\.1: Send-Document Operation|Print-Job with copies)$/;
/** Tests that print the suite's own sample documents (A4/Letter, PDF/PostScript, duplex). */
const PRINTS_SAMPLE = /^Print-Job with (A4|US Letter) /;

/** Names that must PASS against the engine (not merely be skipped). */
const REQUIRED = [
  'RFC 8011 section 4.1.1: Bad request-id value 0',
  'RFC 8011 section 4.1.8: Unsupported IPP version 0.0',
  'RFC 8011 section 4.2: No printer-uri operation attribute',
  'RFC 8011 section 4.2.1: Print-Job Operation',
  'RFC 8011 section 4.2.3: Validate-Job Operation',
  'RFC 8011 section 4.2.5: Get-Printer-Attributes Operation (default)',
  'RFC 8011 section 4.2.6: Get-Jobs Operation (default)',
  'Get-Job-Attributes Until Job Complete',
  'RFC 8011 section 4.3.3: Cancel-Job Operation (completed job)',
  'RFC 8011 section 4.2.4: Create-Job Operation',
  'RFC 8011 section 4.3.1: Send-Document Operation',
  'Send-Document missing last-document: Send-Document Operation',
  'Print-Job with copies',
  'Print-Job with A4 PDF, Duplex',
  'Print-Job with US Letter PostScript',
];

function verdicts(r: IpptoolResult): { name: string; verdict: string }[] {
  const out: { name: string; verdict: string }[] = [];
  for (const line of r.output.split('\n')) {
    const m = /^ {4}(\S.*?)\s*\[(PASS|FAIL|SKIP)\]\s*$/.exec(line);
    if (m) out.push({ name: m[1], verdict: m[2] });
  }
  return out;
}

describe('ipptool conformance suites against the engine', () => {
  let te: TestEngine;
  let docs: Awaited<ReturnType<typeof tempDir>>;
  let pdf: string;
  let pdfBytes: Buffer;
  let uri: string;
  const user = userInfo().username;

  before(async () => {
    [te, docs] = await Promise.all([startTestEngine({ loggingEnabled: 'false' }), tempDir('e2e-ipptool')]);
    pdf = await makePdf(docs.path, 'job.pdf', { pages: 3, title: 'Quarterly Report', colorPages: [2] });
    pdfBytes = await readFile(pdf);
    uri = `ipp://127.0.0.1:${te.port()}/ipp/print`;
  });
  after(async () => {
    await te?.dispose();
    await docs?.cleanup();
  });

  /** Runs one suite printing for real and checks the verdicts and every job it left in the spool. */
  async function runSuite(testFile: string, passedFloor: number): Promise<IpptoolResult> {
    const before = new Set(te.engine.listJobs().map((j) => j.id));
    const r = await runIpptool(uri, testFile, { document: pdf });
    assert.equal(r.failed, 0, `ipptool failures:\n${r.failures.join('\n')}\n\n${r.output.slice(-4000)}`);
    assert.ok(r.passed >= passedFloor, `only ${r.passed} tests passed (floor ${passedFloor})`);
    const v = verdicts(r);
    for (const name of REQUIRED) assert.ok(v.some((x) => x.name === name && x.verdict === 'PASS'), `${name}: PASS`);

    const passedPrints = (re: RegExp): number => v.filter((x) => x.verdict === 'PASS' && re.test(x.name)).length;
    const fresh = te.engine.listJobs().filter((j) => !before.has(j.id));
    const fileJobs = fresh.filter((j) => j.sha256 === sha256(pdfBytes));
    const sampleJobs = fresh.filter((j) => j.sha256 !== sha256(pdfBytes));
    // One stored job per successful print request, no more (a refused or canceled request stores nothing).
    assert.equal(fileJobs.length, passedPrints(PRINTS_FILE), 'jobs holding the -f document');
    assert.equal(sampleJobs.length, passedPrints(PRINTS_SAMPLE), 'jobs holding the sample documents');
    assert.ok(fileJobs.length >= 4 && sampleJobs.length >= 8, `${fileJobs.length} + ${sampleJobs.length} jobs stored`);

    for (const j of fresh) await checkStored(j);
    for (const j of fileJobs) {
      assert.equal(j.pdl, 'pdf');
      assert.equal(j.pages, await pdfPageCount(pdf));
      assert.equal(j.title, pdf, 'job-name is $filename in these tests');
    }
    assert.deepEqual(fileJobs.map((j) => j.copies).sort(), [1, 1, 1, 2], 'only "Print-Job with copies" asks for 2');
    for (const j of sampleJobs) await checkSample(j);
    return r;
  }

  /** The document on disk is whole: its bytes hash to the record's sha256 and size. */
  async function checkStored(j: JobRecord): Promise<void> {
    const bytes = await readFile(j.file);
    assert.equal(bytes.length, j.size, `job ${j.seq} size`);
    assert.equal(sha256(bytes), j.sha256, `job ${j.seq} sha256`);
    assert.equal(j.protocol, 'ipp');
    assert.equal(j.declaredUser, user, 'requesting-user-name is $user (the OS user)');
    assert.equal(j.state, 'held');
  }

  async function checkSample(j: JobRecord): Promise<void> {
    const m = j.protocolMeta;
    const format = m.documentFormat;
    assert.ok(format === 'application/pdf' || format === 'application/postscript', `job ${j.seq}: ${format}`);
    assert.equal(j.pdl, format === 'application/pdf' ? 'pdf' : 'postscript', `job ${j.seq} pdl`);
    // Page counts from independent readers of the stored file: pdfinfo, ghostscript's inkcov.
    const reference = format === 'application/pdf' ? await pdfPageCount(j.file) : (await inkCoverage(j.file)).length;
    assert.ok(reference > 0);
    assert.equal(j.pages, reference, `job ${j.seq} (${j.title}) pages`);
    // The suite's job-name labels are shuffled between its PostScript tests ("A4 Test
    // Document, Duplex" is sent without sides), so duplex is checked against `sides`.
    assert.equal(j.title, m.jobName, 'the title is the job-name sent');
    assert.equal(j.duplex, m.sides === 'two-sided-long-edge' ? true : null, `job ${j.seq} duplex (sides ${m.sides ?? 'none'})`);
    assert.equal(j.copies, 1);
  }

  test('ipp-1.1.test: every applicable test passes and every printed document is stored', async () => {
    await runSuite(IPP_1_1_TEST, 32);
  });

  test('ipp-2.0.test: every applicable test passes, PWG 5100.12 attributes included, documents stored', async () => {
    const r = await runSuite(IPP_2_0_TEST, 33);
    assert.ok(verdicts(r).some((x) => x.name === 'PWG 5100.12 section 6.2 - Required Printer Description Attributes' && x.verdict === 'PASS'));
  });

  test('the spool holds exactly the jobs of both runs, with distinct, increasing job numbers', () => {
    const all = te.engine.listJobs();
    const seqs = all.map((j) => j.seq);
    assert.equal(new Set(seqs).size, seqs.length);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.ok(all.length >= 24, `${all.length} jobs`);
  });
});
