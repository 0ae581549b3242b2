// CUPS's own conformance suites (ipptool ipp-1.1.test and ipp-2.0.test) against the
// capture printer on loopback: every applicable test must pass, and what the suites print
// must land in the spool byte for byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makePdf, tempDir } from '../../../helpers/documents.js';
import { IPP_1_1_TEST, IPP_2_0_TEST, runIpptool, type IpptoolResult } from '../../../peers/ipptool.js';
import { startHarness, type Harness } from './harness.js';

function verdict(r: IpptoolResult, name: string): string | undefined {
  const line = r.output.split('\n').find((l) => l.trim().startsWith(name) && /\[(PASS|FAIL|SKIP)\]\s*$/.test(l));
  return line ? /\[(PASS|FAIL|SKIP)\]/.exec(line)?.[1] : undefined;
}

function assertClean(r: IpptoolResult): void {
  assert.equal(r.failed, 0, `ipptool failures:\n${r.failures.join('\n')}\n\n${r.output.slice(-4000)}`);
  assert.ok(r.passed > 0);
}

describe('ipptool conformance suites', () => {
  let h: Harness;
  let docs: Awaited<ReturnType<typeof tempDir>>;
  let pdf: string;
  before(async () => {
    h = await startHarness();
    docs = await tempDir('ipp-ipptool');
    pdf = await makePdf(docs.path, 'job.pdf', { pages: 3, title: 'Quarterly Report', colorPages: [2] });
  });
  after(async () => {
    await h.close();
    await docs.cleanup();
  });

  test('ipp-1.1.test with NOPRINT=1: every applicable test passes', async () => {
    const before = h.sink.jobs.length;
    const r = await runIpptool(h.uri, IPP_1_1_TEST, { document: pdf, defines: { NOPRINT: '1' } });
    assertClean(r);
    for (const name of [
      'RFC 8011 section 4.1.1: Bad request-id value 0',
      'RFC 8011 section 4.1.8: Unsupported IPP version 0.0',
      'RFC 8011 section 4.2.1: Print-Job Operation',
      'RFC 8011 section 4.2.5: Get-Printer-Attributes Operation (default)',
      'Get-Job-Attributes Until Job Complete',
      'RFC 8011 section 4.3.3: Cancel-Job Operation (completed job)',
      'RFC 8011 section 4.2.4: Create-Job Operation',
      'RFC 8011 section 4.3.1: Send-Document Operation',
      'Send-Document missing last-document: Send-Document Operation',
      'Print-Job with copies',
    ]) {
      assert.equal(verdict(r, name), 'PASS', name);
    }
    const expected = await readFile(pdf);
    const stored = h.sink.jobs.slice(before);
    assert.ok(stored.length >= 4, `${stored.length} jobs stored`);
    for (const s of stored) {
      assert.ok((await h.sink.bytesOf(s.job.seq)).equals(expected), `job ${s.job.seq} bytes`);
      assert.equal(s.meta.documentFormat, 'application/pdf');
      assert.equal(s.meta.protocol, 'ipp');
    }
    assert.ok(stored.some((s) => s.meta.copies === 2), 'Print-Job with copies records copies 2');
  });

  test('ipp-2.0.test with NOPRINT=1: the PWG 5100.12 required attributes are there', async () => {
    const r = await runIpptool(h.uri, IPP_2_0_TEST, { document: pdf, defines: { NOPRINT: '1' } });
    assertClean(r);
    assert.equal(verdict(r, 'PWG 5100.12 section 6.2 - Required Printer Description Attributes'), 'PASS');
  });

  test('ipp-2.0.test printing its sample documents (A4/Letter, PDF/PostScript, duplex)', async () => {
    const before = h.sink.jobs.length;
    const r = await runIpptool(h.uri, IPP_2_0_TEST, { document: pdf });
    assertClean(r);
    for (const name of ['Print-Job with A4 PDF, Duplex', 'Print-Job with US Letter PostScript']) assert.equal(verdict(r, name), 'PASS', name);
    const stored = h.sink.jobs.slice(before);
    const duplex = stored.find((s) => s.meta.jobName === 'A4 Test Document, Duplex');
    assert.ok(duplex, 'the duplex A4 job was stored');
    assert.equal(duplex.meta.sides, 'two-sided-long-edge');
    assert.equal(duplex.meta.documentFormat, 'application/pdf');
    assert.match((await h.sink.bytesOf(duplex.job.seq)).subarray(0, 5).toString('latin1'), /^%PDF-/);
    assert.ok(stored.some((s) => s.meta.documentFormat === 'application/postscript'));
  });
});
