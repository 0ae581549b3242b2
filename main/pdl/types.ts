// Job facts read from the bytes of a job, in one streaming pass with bounded memory.
// The orchestrator (pdl/inspector.ts) follows PJL/UEL framing and hands each PDL
// section to a section inspector; PDF is read from the stored file after the stream
// ends (it needs random access to its xref), before the job is announced.

export type PdlKind = 'postscript' | 'pdf' | 'pclxl' | 'pcl5' | 'unknown';

/** What one inspector learned. Absent or null means "not known from this source". */
export interface SectionFacts {
  title?: string | null;
  user?: string | null;
  host?: string | null;
  /** Pages of one copy of the document. */
  pages?: number | null;
  color?: boolean | null;
  duplex?: boolean | null;
  copies?: number | null;
}

/** Facts from the PJL job header (PROTOCOLS.md §5). */
export interface PjlFacts {
  readonly jobName: string | null;
  readonly user: string | null;
  readonly host: string | null;
  /** `@PJL SET QTY=n`: collated copies of the whole job. */
  readonly qty: number | null;
  /** `@PJL SET COPIES=n`: uncollated copies. */
  readonly copies: number | null;
  readonly duplex: boolean | null;
  readonly binding: 'long-edge' | 'short-edge' | null;
  readonly color: boolean | null;
  /** Languages named by ENTER LANGUAGE, in order. */
  readonly languages: readonly string[];
}

export interface PdlFacts {
  /** The main page-description language (the one holding the most bytes when several). */
  readonly pdl: PdlKind;
  readonly title: string | null;
  readonly user: string | null;
  readonly pages: number | null;
  readonly color: boolean | null;
  readonly duplex: boolean | null;
  readonly copies: number | null;
  readonly pjl: PjlFacts | null;
  /** Every PDL section seen, in order (a PCL banner then PostScript, say). */
  readonly sections: readonly PdlKind[];
  /** Typed codes of the malformations met (e.g. MALFORMED_PJL); never thrown. */
  readonly problems: readonly string[];
}

/** A streaming inspector for one PDL section. Must never throw and never hold more than a bounded amount of memory. */
export interface SectionInspector {
  write(chunk: Buffer): void;
  end(): void;
  result(): SectionFacts;
}

/** The whole-job inspector the spool feeds while it writes a job to disk. */
export interface JobInspector {
  /** Bytes of the job, in order. Never throws. */
  push(chunk: Buffer): void;
  /** The job is complete and stored at `storedFile`; returns the facts. Never rejects. */
  finish(storedFile: string): Promise<PdlFacts>;
}
