import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { parseReport, parseResult, serializeReport, serializeResult } from '../../../main/tracker/index.js';
import type { DeletedJob, DeletedJobRecord } from '../../../main/tracker/index.js';
import { MAX_TITLE_CHARS, makeRecord, recordSchema } from '../../../main/tracker/record.js';
import { prng as mulberry32 } from '../../helpers/prng.js';

const ctx = { workstation: { name: 'WS-042', address: '10.1.2.3' }, siteName: 'Lyon & Co <HQ>' };

function job(over: Partial<DeletedJob> = {}): DeletedJob {
  return { id: 'job-1', owner: 'alice', title: 'Budget.xlsx', pages: 3, color: true, duplex: false, copies: 2, size: 12345, receivedAt: '2025-06-02T08:00:00.000Z', ...over };
}

function rec(over: Partial<DeletedJob> = {}): DeletedJobRecord {
  return makeRecord(job(over), 'released', new Date('2025-06-02T09:00:00Z'), ctx);
}

const GOOD = `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand, as a receiver implementer would -->
<DJTReport version="1">
  <DeletedJob>
    <RecordId>6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b</RecordId>
    <JobId>b3c1</JobId>
    <Owner>bob</Owner>
    <Title><![CDATA[Q3 <draft> & notes]]></Title>
    <Copies>1</Copies>
    <Size>0</Size>
    <SubmittedAt>2025-06-02T08:00:00.000Z</SubmittedAt>
    <DeletedAt>2025-06-04T08:00:00.000Z</DeletedAt>
    <Reason>expired</Reason>
    <WorkstationName>WS&#45;1</WorkstationName>
    <WorkstationAddress>fe80::1</WorkstationAddress>
  </DeletedJob>
</DJTReport>
`;

describe('records', () => {
  test('makeRecord fills every field, with a fresh UUID each time', () => {
    const a = rec();
    const b = rec();
    assert.notEqual(a.recordId, b.recordId);
    assert.match(a.recordId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...a, recordId: 'x' }, {
      recordId: 'x', jobId: 'job-1', owner: 'alice', title: 'Budget.xlsx', pages: 3, color: true, duplex: false, copies: 2, size: 12345,
      submittedAt: '2025-06-02T08:00:00.000Z', deletedAt: '2025-06-02T09:00:00.000Z', reason: 'released',
      workstation: 'WS-042', workstationAddress: '10.1.2.3', siteName: 'Lyon & Co <HQ>',
    });
  });

  test('characters XML cannot carry become U+FFFD; long titles are cut; bad times are refused', () => {
    const r = rec({ title: `a\u0001b\u0000c\uD800d\uFFFEe${'x'.repeat(5000)}` });
    assert.equal(r.title?.slice(0, 9), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    assert.equal(r.title?.length, MAX_TITLE_CHARS);
    assert.throws(() => rec({ receivedAt: 'yesterday' }), { code: 'TRACKER_BAD_RECORD' });
    assert.throws(() => rec({ pages: -1 }), { code: 'TRACKER_BAD_RECORD' });
    assert.throws(() => rec({ id: '' }), { code: 'TRACKER_BAD_RECORD' });
  });
});

describe('report format', () => {
  test('round trip, including markup, quotes, CR, LF, tab, emoji and absent values', () => {
    const records = [
      rec({ title: `<script>"x" & 'y'</script>\r\n\tline2 😀 ]]> end  ` }),
      rec({ title: null, pages: null, color: null, duplex: null, owner: '' }),
      makeRecord(job(), 'logout', new Date('2025-06-02T09:00:00Z'), { ...ctx, siteName: null }),
    ];
    const xml = serializeReport(records);
    assert.equal(XMLValidator.validate(xml), true);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<DJTReport version="1">\n {2}<DeletedJob>/);
    assert.ok(!xml.includes('\r'), 'CR is written as a character reference');
    assert.ok(!/<Title>|<Pages>/.test(xml.split('</DeletedJob>')[1]), 'unknown values are absent elements');
    const back = parseReport(xml);
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.records, records);
  });

  test('a hand-written report with a comment, CDATA and character references is read', () => {
    const r = parseReport(GOOD);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0].title, 'Q3 <draft> & notes');
    assert.equal(r.records[0].workstation, 'WS-1');
    assert.equal(r.records[0].pages, null);
    assert.equal(r.records[0].siteName, null);
  });

  const swap = (from: string, to: string): string => {
    assert.ok(GOOD.includes(from), from);
    return GOOD.replace(from, to);
  };

  const invalid: [string, string, RegExp][] = [
    ['wrong root', swap('<DJTReport version="1">', '<Report version="1">').replace('</DJTReport>', '</Report>'), /root/],
    ['other version', swap('version="1">', 'version="2">'), /version/],
    ['two roots', `${GOOD}<DJTReport version="1"></DJTReport>`, /./],
    ['a DOCTYPE with an entity', swap('<DJTReport', '<!DOCTYPE DJTReport [<!ENTITY e "x">]><DJTReport'), /DOCTYPE/],
    ['an unknown entity', swap('<Owner>bob</Owner>', '<Owner>&nbsp;</Owner>'), /entity/],
    ['a forbidden character reference', swap('<Owner>bob</Owner>', '<Owner>&#1;</Owner>'), /character/],
    ['a duplicate element', swap('<Owner>bob</Owner>', '<Owner>bob</Owner><Owner>eve</Owner>'), /twice/],
    ['an unknown element', swap('<Owner>bob</Owner>', '<Owner>bob</Owner><Price>3</Price>'), /unknown element/],
    ['a missing element', swap('<JobId>b3c1</JobId>', ''), /missing <JobId>/],
    ['a negative count', swap('<Size>0</Size>', '<Size>-1</Size>'), /whole number/],
    ['a non-boolean', swap('<Copies>1</Copies>', '<Copies>1</Copies><Color>yes</Color>'), /true or false/],
    ['a bad reason', swap('expired', 'shredded'), /reason/],
    ['a bad record id', swap('6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b', 'not-a-uuid'), /recordId/],
    ['a bad date', swap('2025-06-04T08:00:00.000Z', '4 June 2025'), /deletedAt/],
    ['an attribute on a field', swap('<Owner>bob</Owner>', '<Owner x="1">bob</Owner>'), /attribute/],
    ['nested markup in a field', swap('<Owner>bob</Owner>', '<Owner><b>bob</b></Owner>'), /only text/],
  ];
  for (const [name, xml, why] of invalid) {
    test(`refused: ${name}`, () => {
      const r = parseReport(xml);
      assert.ok(r.problems.length > 0, 'a problem is reported');
      assert.match(r.problems.join('; '), why);
      for (const x of r.records) assert.equal(recordSchema.safeParse(x).success, true);
    });
  }

  test('a bad record among good ones: the good ones are kept, the bad one reported', () => {
    const good = [rec(), rec()];
    const xml = serializeReport(good).replace('<Reason>released</Reason>', '<Reason>shredded</Reason>');
    const r = parseReport(xml);
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0].recordId, good[1].recordId);
    assert.match(r.problems[0], /DeletedJob #1/);
  });

  test('a truncated document yields every intact record (a cut record does not swallow the next)', () => {
    const records = [rec(), rec(), rec(), rec()];
    const xml = serializeReport(records);
    const cut = xml.lastIndexOf('<Size>');
    const truncated = xml.slice(0, cut);
    const r = parseReport(truncated);
    assert.deepEqual(r.records, records.slice(0, 3));
    assert.match(r.problems.join(' '), /not well-formed/);
    // Damage inside the first record, the rest intact.
    const hole = xml.replace('</Owner>', '');
    const h = parseReport(hole);
    assert.deepEqual(h.records.map((x) => x.recordId), records.slice(1).map((x) => x.recordId));
  });

  test('a repeated RecordId is kept once and reported', () => {
    const a = rec();
    const r = parseReport(serializeReport([a, a]));
    assert.equal(r.records.length, 1);
    assert.match(r.problems.join(' '), /more than once/);
  });

  test('server result: ids listed, empty list, and refusals', () => {
    const ids = [rec().recordId, rec().recordId];
    assert.deepEqual(parseResult(serializeResult(ids)), { ok: true, accepted: ids });
    assert.deepEqual(parseResult(serializeResult([])), { ok: true, accepted: [] });
    for (const bad of ['<html>200 OK</html>', '<DJTReportResult version="1"><Rejected>x</Rejected></DJTReportResult>', '<DJTReportResult><Accepted>x</Accepted></DJTReportResult>', 'OK', '<DJTReportResult version="1"><Accepted> </Accepted></DJTReportResult>']) {
      assert.equal(parseResult(bad).ok, false, bad);
    }
  });
});


test('fuzz: mutated reports never throw and never yield an invalid or invented record', () => {
  const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000);
  const iterations = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 2000);
  const rnd = mulberry32(seed);
  const base = [rec({ title: 'a & b <c>' }), rec({ title: null }), rec({ title: 'x\r\ny' })];
  const xml = serializeReport(base);
  const pieces = ['<', '>', '&', '</DeletedJob>', '<DeletedJob>', '<!DOCTYPE x>', ']]>', '<![CDATA[', '&#0;', '&amp;', '\u0000', '"', '<DJTReport version="1">', '\uD800'];
  try {
    for (let i = 0; i < iterations; i++) {
      let s = xml;
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * (s.length + 1));
        const op = rnd();
        if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
        else if (op < 0.6) s = s.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)] + s.slice(at);
        else if (op < 0.8) s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + s.slice(at + 1);
        else s = s.slice(0, at);
      }
      const r = parseReport(s);
      assert.ok(r.records.length <= base.length, `seed ${seed} #${i}: more records than written`);
      const ids = new Set<string>();
      for (const x of r.records) {
        assert.equal(recordSchema.safeParse(x).success, true, `seed ${seed} #${i}: invalid record returned`);
        assert.ok(!ids.has(x.recordId), `seed ${seed} #${i}: duplicate record returned`);
        ids.add(x.recordId);
      }
      // Whatever was read back is written and read again identically.
      assert.deepEqual(parseReport(serializeReport(r.records)), { records: r.records, problems: [] }, `seed ${seed} #${i}: unstable round trip`);
      parseResult(s);
    }
  } catch (err) {
    console.error(`report fuzz seed: ${seed}`);
    throw err;
  }
});
