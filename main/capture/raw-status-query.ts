// Tells a RAW job from a PJL status query (PROTOCOLS §1 rule 4). Monitoring tools and
// some drivers open the printer port only to send `UEL @PJL INFO STATUS` or
// `@PJL USTATUSOFF`: no page description follows, and storing that as a job would put an
// empty entry in the user's list.
//
// The scanner follows the stream byte by byte: as long as it has seen only UEL escapes,
// `@PJL` lines and framing bytes (NUL, Ctrl-D, whitespace) the stream is not a job yet.
// The first other byte is the start of a PDL, and from then on it is a job.

import { PJL_LINE_MAX } from './limits.js';

const UEL = Buffer.from('\x1b%-12345X', 'latin1');
const PJL = Buffer.from('@PJL', 'latin1');

type State = 'line-start' | 'uel' | 'pjl-prefix' | 'pjl-line' | 'job';

export class PjlQueryScanner {
  private state: State = 'line-start';
  private matched = 0;
  private lineLen = 0;
  private pjlLines = 0;

  /** True once a byte outside the PJL/UEL framing was seen. */
  get isJob(): boolean {
    return this.state === 'job';
  }

  /** Number of complete or partial `@PJL` lines seen (a query when > 0 and not a job). */
  get pjlLineCount(): number {
    return this.pjlLines;
  }

  feed(chunk: Buffer): boolean {
    for (let i = 0; i < chunk.length && this.state !== 'job'; i++) this.step(chunk[i]);
    return this.isJob;
  }

  private step(c: number): void {
    switch (this.state) {
      case 'line-start':
        if (c === 0x00 || c === 0x04 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20) return;
        if (c === UEL[0]) this.enter('uel');
        else if (c === PJL[0]) this.enter('pjl-prefix');
        else this.state = 'job';
        return;
      case 'uel':
        if (c !== UEL[this.matched]) this.state = 'job';
        else if (++this.matched === UEL.length) this.state = 'line-start';
        return;
      case 'pjl-prefix':
        if (c !== PJL[this.matched]) this.state = 'job';
        else if (++this.matched === PJL.length) {
          this.pjlLines++;
          this.lineLen = PJL.length;
          this.state = 'pjl-line';
        }
        return;
      case 'pjl-line':
        // A UEL may follow a PJL command without a line end.
        if (c === 0x0a) this.state = 'line-start';
        else if (c === UEL[0]) this.enter('uel');
        else if (++this.lineLen > PJL_LINE_MAX) this.state = 'job';
        return;
      case 'job':
        return;
    }
  }

  private enter(state: 'uel' | 'pjl-prefix'): void {
    this.state = state;
    this.matched = 1;
  }
}
