// A late-binding rewrite run under several chunkings (whole, one byte at a time when
// small, seeded random pieces), asserting that the output and problems never depend on
// how the job was cut; returns the result.
import assert from 'node:assert/strict';
import { createLateBindingRewriter, type EditProblem, type LateBindingChanges } from '../../../../main/pdl/late-binding/index.js';
import type { PdlKind } from '../../../../main/pdl/types.js';
import { chunks, type Plan } from '../feed.js';

export interface Rewritten {
  out: Buffer;
  problems: readonly EditProblem[];
}

export function rewriteChecked(bytes: Buffer, changes: LateBindingChanges, pdl: PdlKind, plans: readonly Plan[]): Rewritten {
  let first: Rewritten | null = null;
  const all: Plan[] = [...plans];
  if (bytes.length < 40_000 && !all.includes('bytes')) all.push('bytes');
  for (const plan of all) {
    const r = createLateBindingRewriter({ changes, pdl, finishingDialect: 'hp' });
    const parts: Buffer[] = [];
    for (const c of chunks(bytes, plan)) parts.push(...r.write(c));
    parts.push(...r.end());
    const res = { out: Buffer.concat(parts), problems: r.problems() };
    if (first === null) first = res;
    else {
      assert.ok(res.out.equals(first.out), `output differs when fed as ${JSON.stringify(plan)}`);
      assert.deepEqual(res.problems, first.problems);
    }
  }
  return first as Rewritten;
}
