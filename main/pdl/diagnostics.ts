// What the inspectors report besides facts. SectionFacts (types.ts) has no place for
// malformations or buffer sizes, so our section inspectors also implement
// InspectorDiagnostics; the orchestrator looks for it by duck typing, so a section
// inspector without it still plugs in. The PCL XL inspector (pclxl.ts) reports one
// code through `problem(): string | null`, which is read as well.
import type { SectionInspector } from './types.js';

/** Stable codes for malformed input; reported in PdlFacts.problems, never thrown. */
export type InspectProblem =
  | 'MALFORMED_PJL'
  | 'MALFORMED_DSC'
  | 'MALFORMED_PCL'
  | 'MALFORMED_TBCP'
  | 'TRUNCATED_PDL'
  | 'PDL_LANGUAGE_MISMATCH'
  | 'TOO_MANY_SECTIONS'
  | 'INSPECTOR_FAILURE';

export interface InspectorDiagnostics {
  /** Problem codes met so far (each at most once). */
  problems(): readonly string[];
  /** Bytes currently held in internal buffers; tests check it stays under the caps. */
  bufferedBytes(): number;
}

export type DiagnosedInspector = SectionInspector & InspectorDiagnostics;

export function hasDiagnostics(x: SectionInspector): x is DiagnosedInspector {
  const d = x as Partial<InspectorDiagnostics>;
  return typeof d.problems === 'function' && typeof d.bufferedBytes === 'function';
}

/** The problem codes a section inspector reports, whichever of the two shapes it has. */
export function problemsOf(x: SectionInspector): readonly string[] {
  if (hasDiagnostics(x)) return x.problems();
  const single = (x as { problem?: unknown }).problem;
  if (typeof single === 'function') {
    const code: unknown = single.call(x);
    if (typeof code === 'string') return [code];
  }
  return [];
}
