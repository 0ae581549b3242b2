// Feeding helpers for the PDL inspector tests: the same bytes whole, one byte at a time
// and in seeded random chunks must give identical facts, since a socket may cut a job
// anywhere. The bytes are also stored in a temporary file, as the spool would, because
// PDF sections are read from the stored file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosedInspector } from '../../../main/pdl/diagnostics.js';
import { createMeteredJobInspector } from '../../../main/pdl/inspector.js';
import type { PdlFacts, SectionFacts } from '../../../main/pdl/types.js';
export { prng } from '../../helpers/prng.js';
import { prng } from '../../helpers/prng.js';


/** Chunk plans: whole, 1 byte at a time (when small enough), random sizes. */
export type Plan = 'whole' | 'bytes' | { random: number; max: number };

export function chunks(bytes: Buffer, plan: Plan): Buffer[] {
  if (plan === 'whole') return [bytes];
  const out: Buffer[] = [];
  if (plan === 'bytes') {
    for (let i = 0; i < bytes.length; i++) out.push(bytes.subarray(i, i + 1));
    return out;
  }
  const rnd = prng(plan.random);
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * plan.max);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

export async function withStoredFile<T>(bytes: Buffer, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pullprint-pdl-'));
  try {
    const file = join(dir, 'job.bin');
    await writeFile(file, bytes);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Inspected {
  facts: PdlFacts;
  /** Largest bufferedBytes() seen after any push. */
  maxBuffered: number;
}

export async function inspectJob(bytes: Buffer, plan: Plan, file: string): Promise<Inspected> {
  const ins = createMeteredJobInspector();
  let maxBuffered = 0;
  for (const c of chunks(bytes, plan)) {
    ins.push(c);
    maxBuffered = Math.max(maxBuffered, ins.bufferedBytes());
  }
  return { facts: await ins.finish(file), maxBuffered };
}

/**
 * Inspects the job whole, byte by byte (up to `byteLimit` bytes) and in random chunks,
 * asserts the facts are identical, and returns them.
 */
export async function inspectAllWays(bytes: Buffer | string, byteLimit = 300_000): Promise<PdlFacts> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return withStoredFile(buf, async (file) => {
    const whole = await inspectJob(buf, 'whole', file);
    const plans: Plan[] = [{ random: 7, max: 97 }, { random: 11, max: 4096 }];
    if (buf.length <= byteLimit) plans.push('bytes');
    for (const plan of plans) {
      const other = await inspectJob(buf, plan, file);
      assert.deepEqual(other.facts, whole.facts, `facts differ when fed as ${JSON.stringify(plan)}`);
    }
    return whole.facts;
  });
}

/** Runs a section inspector over bytes with a chunk plan. */
export function runSection(create: () => DiagnosedInspector, bytes: Buffer | string, plan: Plan): {
  facts: SectionFacts;
  problems: readonly string[];
  maxBuffered: number;
} {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const ins = create();
  let maxBuffered = 0;
  for (const c of chunks(buf, plan)) {
    ins.write(c);
    maxBuffered = Math.max(maxBuffered, ins.bufferedBytes());
  }
  ins.end();
  return { facts: ins.result(), problems: ins.problems(), maxBuffered };
}

/** A section inspector's facts, asserted identical whole and byte by byte. */
export function sectionAllWays(create: () => DiagnosedInspector, bytes: Buffer | string): {
  facts: SectionFacts;
  problems: readonly string[];
} {
  const whole = runSection(create, bytes, 'whole');
  for (const plan of ['bytes', { random: 3, max: 13 }] as Plan[]) {
    const other = runSection(create, bytes, plan);
    assert.deepEqual(other.facts, whole.facts, `facts differ when fed as ${JSON.stringify(plan)}`);
    assert.deepEqual(other.problems, whole.problems, `problems differ when fed as ${JSON.stringify(plan)}`);
  }
  return whole;
}

export const UEL = '\x1b%-12345X';
