import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProtocolMeta } from '../../../main/capture/types.js';
import type { PdlFacts } from '../../../main/pdl/types.js';
import { mergeFacts, unknownFacts } from '../../../main/spool/facts.js';

function facts(over: Partial<PdlFacts>): PdlFacts {
  return { ...unknownFacts(), ...over };
}

type Field = 'title' | 'declaredUser' | 'pages' | 'color' | 'duplex' | 'copies';

const cases: Array<{ name: string; meta: ProtocolMeta; pdl: Partial<PdlFacts>; field: Field; want: unknown }> = [
  // title
  { name: 'IPP job-name wins over the PDL title', meta: { protocol: 'ipp', jobName: 'Report.docx' }, pdl: { title: 'doc' }, field: 'title', want: 'Report.docx' },
  { name: 'CUPS Print-Job prefix is stripped for IPP', meta: { protocol: 'ipp', jobName: '106 - Quarterly Report' }, pdl: {}, field: 'title', want: 'Quarterly Report' },
  { name: 'prefix needs digits, space, dash, space', meta: { protocol: 'ipp', jobName: '106-Quarterly' }, pdl: {}, field: 'title', want: '106-Quarterly' },
  { name: 'a name that is only the prefix is kept whole', meta: { protocol: 'ipp', jobName: '106 - ' }, pdl: {}, field: 'title', want: '106 -' },
  { name: 'prefix kept for LPD (no CUPS renaming there)', meta: { protocol: 'lpd', jobName: '106 - Quarterly Report' }, pdl: {}, field: 'title', want: '106 - Quarterly Report' },
  { name: 'LPD J wins over the PDL title', meta: { protocol: 'lpd', jobName: 'J name', title: 'T title' }, pdl: { title: 'pdl' }, field: 'title', want: 'J name' },
  { name: 'PDL title when the protocol has no job name', meta: { protocol: 'raw' }, pdl: { title: 'From DSC' }, field: 'title', want: 'From DSC' },
  { name: 'blank job name counts as absent', meta: { protocol: 'ipp', jobName: '   ' }, pdl: { title: 'From PDF' }, field: 'title', want: 'From PDF' },
  { name: 'LPD T after the PDL title', meta: { protocol: 'lpd', title: 'T title' }, pdl: {}, field: 'title', want: 'T title' },
  { name: 'LPD N last', meta: { protocol: 'lpd', sourceFile: 'file.txt' }, pdl: {}, field: 'title', want: 'file.txt' },
  { name: 'no title anywhere', meta: { protocol: 'raw' }, pdl: {}, field: 'title', want: null },
  // declaredUser
  { name: 'protocol user wins', meta: { protocol: 'lpd', user: 'alice' }, pdl: { user: 'pjl-bob' }, field: 'declaredUser', want: 'alice' },
  { name: 'PDL/PJL user when the protocol has none', meta: { protocol: 'raw' }, pdl: { user: 'pjl-bob' }, field: 'declaredUser', want: 'pjl-bob' },
  { name: 'empty protocol user counts as absent', meta: { protocol: 'ipp', user: '' }, pdl: { user: 'pjl-bob' }, field: 'declaredUser', want: 'pjl-bob' },
  { name: 'no user', meta: { protocol: 'raw' }, pdl: {}, field: 'declaredUser', want: null },
  // pages
  { name: 'pages from the PDL', meta: { protocol: 'ipp' }, pdl: { pages: 7 }, field: 'pages', want: 7 },
  { name: 'pages unknown', meta: { protocol: 'ipp' }, pdl: {}, field: 'pages', want: null },
  // copies
  { name: 'protocol copies > 1 win', meta: { protocol: 'ipp', copies: 3 }, pdl: { copies: 2 }, field: 'copies', want: 3 },
  { name: 'protocol copies 1 defer to the PDL', meta: { protocol: 'lpd', copies: 1 }, pdl: { copies: 4 }, field: 'copies', want: 4 },
  { name: 'PDL copies when the protocol has none', meta: { protocol: 'raw' }, pdl: { copies: 2 }, field: 'copies', want: 2 },
  { name: 'default 1', meta: { protocol: 'raw' }, pdl: {}, field: 'copies', want: 1 },
  { name: 'nonsense protocol copies ignored', meta: { protocol: 'ipp', copies: -5 }, pdl: {}, field: 'copies', want: 1 },
  { name: 'zero PDL copies ignored', meta: { protocol: 'raw' }, pdl: { copies: 0 }, field: 'copies', want: 1 },
  // color
  { name: 'PDL colour evidence wins', meta: { protocol: 'ipp', colorMode: 'monochrome' }, pdl: { color: true }, field: 'color', want: true },
  { name: 'PDL says grey, IPP says colour', meta: { protocol: 'ipp', colorMode: 'color' }, pdl: { color: false }, field: 'color', want: false },
  { name: 'IPP color', meta: { protocol: 'ipp', colorMode: 'color' }, pdl: {}, field: 'color', want: true },
  { name: 'IPP monochrome', meta: { protocol: 'ipp', colorMode: 'monochrome' }, pdl: {}, field: 'color', want: false },
  { name: 'IPP process-monochrome', meta: { protocol: 'ipp', colorMode: 'process-monochrome' }, pdl: {}, field: 'color', want: false },
  { name: 'IPP auto says nothing', meta: { protocol: 'ipp', colorMode: 'auto' }, pdl: {}, field: 'color', want: null },
  { name: 'no colour information', meta: { protocol: 'raw' }, pdl: {}, field: 'color', want: null },
  // duplex
  { name: 'PDL duplex wins', meta: { protocol: 'ipp', sides: 'one-sided' }, pdl: { duplex: true }, field: 'duplex', want: true },
  { name: 'IPP two-sided-long-edge', meta: { protocol: 'ipp', sides: 'two-sided-long-edge' }, pdl: {}, field: 'duplex', want: true },
  { name: 'IPP two-sided-short-edge', meta: { protocol: 'ipp', sides: 'two-sided-short-edge' }, pdl: {}, field: 'duplex', want: true },
  { name: 'IPP one-sided', meta: { protocol: 'ipp', sides: 'one-sided' }, pdl: {}, field: 'duplex', want: false },
  { name: 'unknown sides keyword', meta: { protocol: 'ipp', sides: 'tumble' }, pdl: {}, field: 'duplex', want: null },
];

describe('mergeFacts: which source wins per field', () => {
  for (const c of cases) {
    test(`${c.field}: ${c.name}`, () => {
      assert.deepEqual(mergeFacts(c.meta, facts(c.pdl))[c.field], c.want);
    });
  }

  test('returns exactly the six merged fields', () => {
    const m = mergeFacts({ protocol: 'raw' }, facts({}));
    assert.deepEqual(Object.keys(m).sort(), ['color', 'copies', 'declaredUser', 'duplex', 'pages', 'title']);
  });
});
