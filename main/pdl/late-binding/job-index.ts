// Where a job's sections and pages are, found before the job is released.
//
// At release, the rewriter searches the whole job for UELs (section boundaries) and, for
// copies and duplex on PCL XL, tokenizes every section to find each BeginPage and
// EndPage. The UEL search costs about a tenth of a release on text, more on binary PCL
// XL, where ESC bytes are frequent; tokenizing a text-heavy PCL XL stream runs at a few
// hundred MiB/s, several times slower than a release streams. So the release service
// reads each held job once in the background, through the same pipeline a release runs
// (PJL header, UEL framing, sniffing, the editors: main/release/job-index-cache.ts), and
// records the offset of every UEL after the first PJL block and, per PCL XL section,
// the offset of each page operator and of its attribute list. At release the framer
// checks each recorded UEL where it should be instead of searching, and the PCL XL
// editor jumps from one recorded list to the next, checks the operator byte, and
// rewrites only those few bytes; everything between leaves as slices of the file.
// Offsets are those the pipeline sees, so an index is valid only for the exact bytes it
// was built from (the cache keys it by job id, size and sha256).
import type { EditProblem } from './pdl-editor.js';

/** The page operators of one PCL XL section, in stream order. */
export interface PclXlSectionIndex {
  /** 0x43 BeginPage or 0x44 EndPage. */
  readonly ops: Uint8Array;
  /** Offset of the operator byte in the section. */
  readonly opAt: Float64Array;
  /** Offset where the operator's attribute list starts; -1 when it cannot be edited (too long, too many attributes). */
  readonly listStart: Float64Array;
  /** What the full scan met that a release must report too (malformed stream...). */
  readonly problems: readonly EditProblem[];
}

/** The index of a whole job: its UELs, and one entry per PCL XL section, numbered as the body framer meets them. */
export interface JobIndex {
  /** The n-th section's index (0-based), or null when that section is not PCL XL. */
  section(n: number): PclXlSectionIndex | null;
  /** Offsets of every UEL in the job's body (after its first PJL block), in order. */
  readonly uels: Float64Array;
  /** BeginPage operators recorded. */
  readonly pages: number;
  /** Memory held by the index, for a cache's budget. */
  readonly bytes: number;
}

/** What the late-binding pipeline is given: an index to use, or a builder to fill. */
export interface JobIndexPort {
  readonly use?: JobIndex | null;
  readonly record?: JobIndexBuilder | null;
}

/** The per-section view of a JobIndexPort, as the section rewriter hands it to the editor. */
export interface PclXlSectionPort {
  readonly use: PclXlSectionIndex | null;
  readonly record: PclXlSectionRecorder | null;
}

const OP_BEGIN_PAGE = 0x43;
/** Bytes an index entry takes: a page operator (1 + 8 + 8), a UEL (8). */
const OP_ENTRY_BYTES = 17;
const UEL_ENTRY_BYTES = 8;

/** Thrown while building when the index would exceed its byte limit: it is not built. */
export class JobIndexTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`the job index would take more than ${limitBytes} bytes`);
  }
}

export class PclXlSectionRecorder {
  constructor(private readonly charge: (bytes: number) => void = () => undefined) {}

  private ops = new Uint8Array(64);
  private opAt = new Float64Array(64);
  private listStart = new Float64Array(64);
  private n = 0;
  private readonly problemSet = new Set<EditProblem>();

  add(op: number, at: number, listStart: number): void {
    this.charge(OP_ENTRY_BYTES);
    if (this.n === this.ops.length) {
      const grow = <T extends Uint8Array | Float64Array>(a: T, make: (len: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ops = grow(this.ops, (l) => new Uint8Array(l));
      this.opAt = grow(this.opAt, (l) => new Float64Array(l));
      this.listStart = grow(this.listStart, (l) => new Float64Array(l));
    }
    this.ops[this.n] = op;
    this.opAt[this.n] = at;
    this.listStart[this.n] = listStart;
    this.n++;
  }

  /** A problem of the stream itself (not of one edit), reported again at each release. */
  problem(code: EditProblem): void {
    if (code !== 'PCLXL_NOT_EDITED') this.problemSet.add(code);
  }

  finish(): PclXlSectionIndex {
    return {
      ops: this.ops.slice(0, this.n),
      opAt: this.opAt.slice(0, this.n),
      listStart: this.listStart.slice(0, this.n),
      problems: [...this.problemSet],
    };
  }
}

export class JobIndexBuilder {
  private readonly sections = new Map<number, PclXlSectionRecorder>();
  private readonly uelAt: number[] = [];
  private charged = 0;
  private readonly charge = (bytes: number): void => {
    this.charged += bytes;
    if (this.charged > this.limitBytes) throw new JobIndexTooLarge(this.limitBytes);
  };

  /** @param limitBytes building stops (JobIndexTooLarge) once the entries would take more */
  constructor(private readonly limitBytes = Infinity) {}

  /** A UEL at this body offset (called by the body framer). */
  uel(at: number): void {
    this.charge(UEL_ENTRY_BYTES);
    this.uelAt.push(at);
  }

  /** The recorder of the n-th section (created when its editor starts). */
  section(n: number): PclXlSectionRecorder {
    let r = this.sections.get(n);
    if (!r) {
      r = new PclXlSectionRecorder(this.charge);
      this.sections.set(n, r);
    }
    return r;
  }

  finish(): JobIndex {
    const done = new Map<number, PclXlSectionIndex>();
    let pages = 0;
    let bytes = 0;
    for (const [n, r] of this.sections) {
      const s = r.finish();
      done.set(n, s);
      for (const op of s.ops) if (op === OP_BEGIN_PAGE) pages++;
      bytes += s.ops.byteLength + s.opAt.byteLength + s.listStart.byteLength + 64;
    }
    const uels = Float64Array.from(this.uelAt);
    bytes += uels.byteLength;
    return { section: (n) => done.get(n) ?? null, uels, pages, bytes };
  }
}

/** The section port for the n-th section. */
export function sectionPort(port: JobIndexPort | null | undefined, n: number): PclXlSectionPort | null {
  if (!port) return null;
  const use = port.use?.section(n) ?? null;
  const record = port.record?.section(n) ?? null;
  return use || record ? { use, record } : null;
}
