// Late binding: settings changed at the printer, applied while a held job streams to it.
export { createLateBindingTransform } from './transform.js';
export { createLateBindingRewriter, MAX_REWRITER_HELD, type LateBindingRewriter } from './rewriter.js';
export { validateChanges } from './validate.js';
export type { EditProblem } from './pdl-editor.js';
export type {
  ColorChoice,
  FinishingDialect,
  LateBindingChanges,
  LateBindingErrorCode,
  PunchChoice,
  RewriteOptions,
  SidesChoice,
  StapleChoice,
} from './types.js';
