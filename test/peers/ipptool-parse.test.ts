import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpptoolOutput } from './ipptool.js';

// Shaped like real `ipptool -t -I` output (CUPS 2.4): 4-space verdict lines padded to a
// column, 8-space detail lines under a failure, `ipptool:` errors on stderr.
const SAMPLE = [
  '"/tmp/x/ipp-1.1.test":',
  '    RFC 8011 section 4.1.1: Bad request-id value 0                       [PASS]',
  '    RFC 8011 section 4.2.5: Get-Printer-Attributes Operation (default)   [PASS]',
  '        color-supported (boolean) = false',
  '    Send-Document missing last-document: Create-Job Operation            [FAIL]',
  '        RECEIVED: 122 bytes in response',
  '        status-code = server-error-busy (Currently printing another job.)',
  '        EXPECTED: STATUS successful-ok (got server-error-busy)',
  '    RFC 8011 section 4.2.2: Print-URI Operation                          [SKIP]',
  '    RFC 8011 section 4.3.3: Cancel-Job Operation                         [FAIL]',
  '        EXPECTED: job-id',
  '',
  'Summary: 5 tests, 2 passed, 2 failed, 1 skipped',
  'Score: 50%',
  '',
].join('\n');

test('verdict lines are counted and failures keep their detail lines', () => {
  const r = parseIpptoolOutput(SAMPLE);
  assert.equal(r.passed, 2);
  assert.equal(r.failed, 2);
  assert.equal(r.skipped, 1);
  assert.equal(r.failures.length, 2);
  assert.match(r.failures[0], /^Send-Document missing last-document: Create-Job Operation\n/);
  assert.match(r.failures[0], /server-error-busy/);
  // Detail lines under a PASS (DISPLAY output) do not leak into the failures.
  assert.doesNotMatch(r.failures.join('\n'), /color-supported/);
  assert.equal(r.failures[1], 'RFC 8011 section 4.3.3: Cancel-Job Operation\n  EXPECTED: job-id');
});

test('an ipptool error that stops the suite early counts as a failure, though ipptool says 100%', () => {
  const out = [
    '"/usr/share/cups/ipptool/ipp-1.1.test":',
    '    RFC 8011 section 4.2: No printer-uri operation attribute             [PASS]',
    '',
    'Summary: 1 tests, 1 passed, 0 failed, 0 skipped',
    'Score: 100%',
    'ipptool: Filename "missing.pdf" (mapped to "/x/missing.pdf") on line 150 of "ipp-1.1.test" cannot be read.',
  ].join('\n');
  const r = parseIpptoolOutput(out);
  assert.equal(r.passed, 1);
  assert.equal(r.failed, 1);
  assert.match(r.failures[0], /cannot be read/);
});

test('empty or foreign output parses to zero counts without throwing', () => {
  for (const s of ['', 'garbage\n[PASS]\n', '    [FAIL]', '\n\n        EXPECTED: x']) {
    const r = parseIpptoolOutput(s);
    assert.equal(r.passed + r.failed + r.skipped, 0, JSON.stringify(s));
    assert.deepEqual(r.failures, []);
  }
});
