// A streaming editor for one PDL section (the bytes between two UELs). It writes its
// output to the list it is given, in order; what it holds back is bounded by its caps.
// Editors never throw on malformed input: they stop editing and pass the bytes through,
// noting a problem code.

export interface PdlEditor {
  write(chunk: Buffer, out: Buffer[]): void;
  /** The section ended (a UEL or the end of the job): writes what is held. */
  end(out: Buffer[]): void;
  /** Bytes held back now. */
  buffered(): number;
}

/** What an editor reports besides its output (never thrown). */
export type EditProblem =
  /** A PCL XL BeginPage/EndPage could not be rewritten (oversized list, truncated stream). */
  | 'PCLXL_NOT_EDITED'
  /** The PCL XL stream is malformed or uses the ASCII binding; the rest passed through. */
  | 'MALFORMED_PCLXL'
  /** A PostScript feature block was too long or unterminated and was left as it was. */
  | 'PS_FEATURE_NOT_EDITED'
  /** No place to inject the PostScript request was found (no %%EndSetup / %%Page:). */
  | 'PS_NOT_INJECTED'
  /** A PCL 5 value to rewrite was too long to hold. */
  | 'PCL_NOT_EDITED';

export type ProblemSink = (code: EditProblem) => void;
