import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { metaForDataFile, parseControlFile, type ControlFile } from '../../../main/capture/lpd-control.js';
import { isUntilClose, parseDaemonCommand, parseSubcommand } from '../../../main/capture/lpd-command.js';
import { LPD_VALUE_MAX } from '../../../main/capture/limits.js';

function control(text: string): ControlFile {
  const r = parseControlFile(Buffer.from(text, 'utf8'));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.control;
}

describe('LPD control file', () => {
  test('the file CUPS sends (captured) gives user, host, job name, source file and one copy', () => {
    const c = control('Hvm\nPalice\nJQuarterly Report _v2__ps\nldfA337vm\nUdfA337vm\nNQuarterly Report _v2__ps\n');
    assert.deepEqual(metaForDataFile(c, 'dfA337vm', 'pullq'), {
      protocol: 'lpd', queue: 'pullq', user: 'alice', host: 'vm', jobName: 'Quarterly Report _v2__ps',
      title: null, sourceFile: 'Quarterly Report _v2__ps', copies: 1,
    });
    assert.deepEqual(c.unlink, ['dfA337vm']);
  });
  test('copies = number of print lines naming the same data file (manual_copies=off)', () => {
    const c = control('Hh\nPbob\nldfA1h\nldfA1h\nldfA1h\nUdfA1h\n');
    assert.equal(metaForDataFile(c, 'dfA1h', 'q').copies, 3);
  });
  test('several data files: copies, format and N per file (BSD order: N after the print lines)', () => {
    const c = control('Hh\nPbob\nJjob\nfdfA1h\nfdfA1h\nUdfA1h\nNfirst.txt\nodfB1h\nUdfB1h\nNsecond.ps\n');
    assert.equal(c.files.get('dfA1h')?.copies, 2);
    assert.equal(c.files.get('dfA1h')?.format, 'f');
    assert.equal(c.files.get('dfB1h')?.format, 'o');
    assert.equal(metaForDataFile(c, 'dfA1h', 'q').sourceFile, 'first.txt');
    assert.equal(metaForDataFile(c, 'dfB1h', 'q').sourceFile, 'second.ps');
  });
  test('N before the print line (other clients) still belongs to its file', () => {
    const c = control('Pbob\nNa.txt\nldfA\nNb.txt\nldfB\n');
    assert.equal(metaForDataFile(c, 'dfA', 'q').sourceFile, 'a.txt');
    assert.equal(metaForDataFile(c, 'dfB', 'q').sourceFile, 'b.txt');
  });
  test('T, L, C, M and unknown letters; the first H/P/J wins; CRLF is tolerated', () => {
    const c = control('Pfirst\r\nPsecond\r\nTMy title\r\nLbanner\r\nCclass\r\nMalice@example\r\nZsides=two\r\n5junk\r\nldfA\r\n');
    assert.equal(c.user, 'first');
    assert.equal(c.title, 'My title');
    assert.equal(c.bannerUser, 'banner');
    assert.equal(c.bannerClass, 'class');
    assert.equal(c.mailTo, 'alice@example');
    assert.equal(c.ignoredLines, 2);
    assert.equal(metaForDataFile(c, 'dfA', 'q').title, 'My title');
  });
  test('L stands in for a missing P; a data file the control file does not name gets copies null', () => {
    const c = control('Lcarol\nldfA\n');
    assert.equal(metaForDataFile(c, 'dfA', 'q').user, 'carol');
    assert.equal(metaForDataFile(c, 'dfZ', 'q').copies, null);
    assert.deepEqual(metaForDataFile(null, 'dfZ', 'q'), { protocol: 'lpd', queue: 'q' });
  });
  test('UTF-8 values are kept; invalid UTF-8 is read as Latin-1; control characters are dropped; values are capped', () => {
    assert.equal(control('PJosé\n').user, 'José');
    const latin = parseControlFile(Buffer.from([0x50, 0x4a, 0x6f, 0x73, 0xe9, 0x0a]));
    assert.ok(latin.ok && latin.control.user === 'José');
    assert.equal(control('Pa\x1bb\x07c\n').user, 'abc');
    assert.equal(control('J' + 'x'.repeat(5000) + '\n').jobName?.length, LPD_VALUE_MAX);
  });
  test('a NUL byte makes the control file malformed', () => {
    const r = parseControlFile(Buffer.from('Palice\n\0ldfA\n', 'latin1'));
    assert.equal(r.ok, false);
  });
  test('an empty control file is valid and says nothing', () => {
    const c = control('');
    assert.equal(c.user, null);
    assert.equal(c.files.size, 0);
  });
});

describe('LPD command lines', () => {
  const line = (s: string): Buffer => Buffer.from(s, 'latin1');
  test('daemon commands', () => {
    assert.deepEqual(parseDaemonCommand(line('\x02pullq')), { kind: 'receive-job', queue: 'pullq' });
    assert.deepEqual(parseDaemonCommand(line('\x01pullq')), { kind: 'print-waiting', queue: 'pullq' });
    assert.deepEqual(parseDaemonCommand(line('\x03pullq alice 12')), { kind: 'queue-state', queue: 'pullq', long: false, list: ['alice', '12'] });
    assert.deepEqual(parseDaemonCommand(line('\x04pullq')), { kind: 'queue-state', queue: 'pullq', long: true, list: [] });
    assert.deepEqual(parseDaemonCommand(line('\x05pullq root 12 13')), { kind: 'remove-jobs', queue: 'pullq', agent: 'root', list: ['12', '13'] });
    assert.equal(parseDaemonCommand(line('\x06pullq')).kind, 'malformed');
    assert.equal(parseDaemonCommand(line('\x02pu\x00llq')).kind, 'malformed');
    assert.equal(parseDaemonCommand(line('')).kind, 'malformed');
  });
  test('subcommands: counts, any file name, abort', () => {
    assert.deepEqual(parseSubcommand(line('\x0283 cfA337vm')), { kind: 'control-file', count: 83, name: 'cfA337vm' });
    assert.deepEqual(parseSubcommand(line('\x03334584 dfA337vm')), { kind: 'data-file', count: 334584, name: 'dfA337vm' });
    assert.deepEqual(parseSubcommand(line('\x0312 cfZ001plp')), { kind: 'data-file', count: 12, name: 'cfZ001plp' });
    assert.deepEqual(parseSubcommand(line('\x03999999999999 dfA687vm')), { kind: 'data-file', count: 999999999999, name: 'dfA687vm' });
    assert.deepEqual(parseSubcommand(line('\x030 dfA')), { kind: 'data-file', count: 0, name: 'dfA' });
    assert.deepEqual(parseSubcommand(line('\x0312 dfA\r')), { kind: 'data-file', count: 12, name: 'dfA' });
    assert.equal(parseSubcommand(line('\x03' + '9'.repeat(40) + ' dfA')).kind, 'data-file');
    assert.deepEqual(parseSubcommand(line('\x01')), { kind: 'abort' });
    for (const bad of ['\x03abc dfA', '\x03 12 dfA', '\x03-1 dfA', '\x0312dfA', '\x04 12 dfA', '', '\x0312 df\x00A', '\x03']) {
      assert.equal(parseSubcommand(line(bad)).kind, 'malformed', JSON.stringify(bad));
    }
  });
  test('until-close counts: 0, 2^31-1 and more, or above the job-size limit', () => {
    const max = 1_000_000;
    assert.equal(isUntilClose(0, max), true);
    assert.equal(isUntilClose(2 ** 31 - 1, 2 ** 40), true);
    assert.equal(isUntilClose(999999999999, 2 ** 45), true);
    assert.equal(isUntilClose(max + 1, max), true);
    assert.equal(isUntilClose(max, max), false);
    assert.equal(isUntilClose(83, max), false);
  });
});
