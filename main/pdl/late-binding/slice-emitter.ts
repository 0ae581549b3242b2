// Output bookkeeping shared by the PDL editors. Untouched bytes leave as slices of the
// input chunks (no copy); only the few bytes an editor may still rewrite are held back,
// and held bytes that cross a chunk boundary are copied into a small carry. Positions
// are absolute offsets in the section, so an edit may start in an earlier chunk.

const EMPTY = Buffer.alloc(0);

export class SliceEmitter {
  /** Original bytes [emitted, chunkAt): held back from earlier chunks. */
  private carry: Buffer = EMPTY;
  private emittedAt = 0;
  private chunk: Buffer = EMPTY;
  private chunkAt = 0;
  /** Where output goes now; an editor may point it at a side list while it decides. */
  out: Buffer[] = [];

  /** Starts a chunk; its first byte has absolute offset `chunkStart`. */
  begin(chunk: Buffer, out: Buffer[]): void {
    this.chunk = chunk;
    this.out = out;
  }

  get chunkStart(): number {
    return this.chunkAt;
  }

  get chunkEnd(): number {
    return this.chunkAt + this.chunk.length;
  }

  /** Everything before this offset has been written (or replaced). */
  get emitted(): number {
    return this.emittedAt;
  }

  /** Bytes held back now. */
  get held(): number {
    return this.carry.length;
  }

  /** Writes the original bytes up to `to`. */
  emitTo(to: number): void {
    const from = this.emittedAt;
    if (to <= from) return;
    if (from < this.chunkAt) {
      const carryStart = this.chunkAt - this.carry.length;
      this.out.push(this.carry.subarray(from - carryStart, Math.min(to, this.chunkAt) - carryStart));
    }
    if (to > this.chunkAt) this.out.push(this.chunk.subarray(Math.max(from, this.chunkAt) - this.chunkAt, to - this.chunkAt));
    this.emittedAt = to;
  }

  /** Drops the original bytes up to `to`: they were replaced by pushed bytes. */
  skipTo(to: number): void {
    if (to > this.emittedAt) this.emittedAt = to;
  }

  /** Writes new bytes at the current point. */
  push(b: Buffer): void {
    if (b.length > 0) this.out.push(b);
  }

  /** A copy of original bytes [from, to); `from` must not be before `emitted`. */
  bytes(from: number, to: number): Buffer {
    const parts: Buffer[] = [];
    if (from < this.chunkAt) {
      const carryStart = this.chunkAt - this.carry.length;
      parts.push(this.carry.subarray(from - carryStart, Math.min(to, this.chunkAt) - carryStart));
    }
    if (to > this.chunkAt) parts.push(this.chunk.subarray(Math.max(from, this.chunkAt) - this.chunkAt, to - this.chunkAt));
    return Buffer.concat(parts);
  }

  /** Original bytes [from, to), read-only: a view when they lie in the current chunk, else a copy. */
  view(from: number, to: number): Buffer {
    if (from >= this.chunkAt) return this.chunk.subarray(from - this.chunkAt, to - this.chunkAt);
    return this.bytes(from, to);
  }

  /** Ends the chunk: writes everything before `holdFrom` and keeps the rest for later. */
  endChunk(holdFrom: number): void {
    const end = this.chunkEnd;
    this.emitTo(Math.min(Math.max(holdFrom, this.emittedAt), end));
    this.carry = this.emittedAt < end ? this.bytes(this.emittedAt, end) : EMPTY;
    this.chunkAt = end;
    this.chunk = EMPTY;
  }
}
