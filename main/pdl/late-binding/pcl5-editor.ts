// PCL 5 late binding (PROTOCOLS.md §8): a tokenizer that follows the escape grammar and
// skips binary payloads by their counts, so that bytes inside raster or font data are
// never taken for commands. Only two commands change:
// - `ESC&l#X` (copies) gets 1 when copies change: PJL QTY carries them (§5 rule 4);
// - `ESC&l#S` (0 simplex, 1 long edge, 2 short edge) gets the new sides. When the job
//   setup has no `ESC&l#S`, one is inserted just after its last `ESC E` (or at the
//   section start without one).
// "Job setup" is the stretch before the first page mark, form feed, rectangle or
// payload, at most SETUP_WINDOW bytes; it is held while it is read. Values in chained
// forms (`ESC&l0o1s2X`) are rewritten in place; other bytes leave as input slices.
//
// After the setup the section passes through untouched (the hot path), unless the setup
// itself set copies other than 1 or duplex other than the new value: such a driver
// repeats its setting page by page (ghostscript's ljet4 writes `ESC&l<n>X` on every
// page), so the tokenizer then runs to the end of the section to rewrite every one.
// The command table mirrors main/pdl/pcl5.ts, whose tokenizer keeps no byte offsets.
import type { PdlEditor, ProblemSink } from './pdl-editor.js';
import { SliceEmitter } from './slice-emitter.js';

/** Longest job setup read (and held) before the section is decided. */
export const SETUP_WINDOW = 8 * 1024;
/** Longest `&l` value rewritten (digits, sign and point); a longer one is left alone. */
const VALUE_CAP = 64;
const MAX_DIGITS = 15;
const ESC = 0x1b;
const FF = 0x0c;
const AMP = 0x26;
const L = 0x6c;

/** A command as one number: parameter char, group char, upper-case terminator. */
const key = (cmd: string): number => (cmd.charCodeAt(0) << 16) | (cmd.charCodeAt(1) << 8) | cmd.charCodeAt(2);
/** The commands followed by `value` data bytes. */
const PAYLOAD: ReadonlySet<number> = new Set(['*bW', '*bV', '(sW', ')sW', '(fW', '*cW', '&pX', '*vW', '*lW', '&nW', '*oW', '*mW', '*iW', '&bW', '*gW'].map(key));
const COPIES = key('&lX');
const SIDES = key('&lS');
const RECT_FILL = key('*cP');

export interface Pcl5Edits {
  /** New `ESC&l#S` value, or null to leave duplex alone. */
  readonly sides: 0 | 1 | 2 | null;
  readonly copiesToOne: boolean;
}

const enum St {
  Text,
  Esc,
  Group,
  Value,
  Payload,
}

type Phase = 'setup' | 'full' | 'pass';

export class Pcl5Editor implements PdlEditor {
  private readonly em = new SliceEmitter();
  private state = St.Text;
  private param = 0;
  private group = 0;
  private valueAt = 0;
  private neg = false;
  private intVal = 0;
  private digits = 0;
  private dot = false;
  private started = false;
  private payloadLeft = 0;
  private afterPayload = St.Text;
  private phase: Phase = 'setup';
  /** Output of the setup, held until it is known whether ESC&l#S must be inserted. */
  private readonly setupOut: Buffer[] = [];
  private insertAt = 0;
  private foundSides = false;
  /** The job's own PCL sets copies or duplex that differ from ours: rewrite to the end. */
  private conflict = false;
  private realOut: Buffer[] = [];

  constructor(
    private readonly edits: Pcl5Edits,
    private readonly problem: ProblemSink,
  ) {}

  buffered(): number {
    let n = this.em.held;
    for (const b of this.setupOut) n += b.length;
    return n;
  }

  write(chunk: Buffer, out: Buffer[]): void {
    this.realOut = out;
    const em = this.em;
    em.begin(chunk, this.phase === 'setup' ? this.setupOut : out);
    const base = em.chunkStart;
    const n = chunk.length;
    let i = 0;
    while (i < n && this.phase !== 'pass') {
      // The setup window is measured in section offsets, never in chunks.
      if (this.phase === 'setup' && base + i >= SETUP_WINDOW) {
        this.endSetup();
        continue;
      }
      switch (this.state) {
        case St.Payload: {
          const take = Math.min(this.payloadLeft, n - i);
          this.payloadLeft -= take;
          i += take;
          if (this.payloadLeft === 0) {
            this.state = this.afterPayload;
            if (this.state === St.Value) this.startValue(base + i);
          }
          break;
        }
        case St.Text:
          i = this.phase === 'setup' ? this.setupText(chunk, i, Math.min(n, SETUP_WINDOW - base)) : this.skipText(chunk, i);
          break;
        case St.Esc: {
          const b = chunk[i];
          if (b >= 0x21 && b <= 0x2f) {
            this.param = b;
            this.state = St.Group;
            i++;
          } else if (b === 0x45) {
            i++;
            this.state = St.Text;
            if (this.phase === 'setup') {
              // ESC E resets the printer: a duplex command belongs after it.
              em.emitTo(base + i);
              this.insertAt = this.setupOut.length;
            }
          } else {
            if (b >= 0x30 && b <= 0x7e) i++; // a two-character escape (ESC 9, ESC =, …)
            this.state = St.Text;
          }
          break;
        }
        case St.Group: {
          const b = chunk[i];
          if (b >= 0x60 && b <= 0x7e) {
            this.group = b;
            i++;
          } else {
            this.group = 0x20; // e.g. ESC ( 8 U: no group character
          }
          this.state = St.Value;
          this.startValue(base + i);
          break;
        }
        case St.Value:
          i = this.value(chunk, i, base);
          break;
      }
    }
    // Hold a `&l` value cut by the chunk end: it may be rewritten.
    const holding = this.phase !== 'pass' && this.state === St.Value && this.param === AMP && this.group === L;
    em.endChunk(holding && em.chunkEnd - this.valueAt <= VALUE_CAP ? this.valueAt : em.chunkEnd);
  }

  end(out: Buffer[]): void {
    this.realOut = out;
    this.em.begin(Buffer.alloc(0), this.phase === 'setup' ? this.setupOut : out);
    this.em.emitTo(this.em.chunkEnd);
    if (this.phase === 'setup') this.endSetup();
  }

  private skipText(chunk: Buffer, i: number): number {
    const esc = chunk.indexOf(ESC, i);
    if (esc < 0) return chunk.length;
    this.state = St.Esc;
    return esc + 1;
  }

  /** Text in the setup: a printable byte or a form feed starts the first page. */
  private setupText(chunk: Buffer, i: number, stop: number): number {
    for (let j = i; j < stop; j++) {
      const b = chunk[j];
      if (b === ESC) {
        this.state = St.Esc;
        return j + 1;
      }
      if (b === FF || (b > 0x20 && b !== 0x7f)) {
        this.endSetup();
        return j;
      }
    }
    return stop;
  }

  private startValue(at: number): void {
    this.valueAt = at;
    this.neg = false;
    this.intVal = 0;
    this.digits = 0;
    this.dot = false;
    this.started = false;
  }

  private value(chunk: Buffer, i: number, base: number): number {
    // Digits in a tight loop; in the setup, never past the window (see write()).
    const stop = this.phase === 'setup' ? Math.min(chunk.length, SETUP_WINDOW - base) : chunk.length;
    let b = chunk[i];
    while (b >= 0x30 && b <= 0x39) {
      if (!this.dot && this.digits < MAX_DIGITS) {
        this.intVal = this.intVal * 10 + (b - 0x30);
        this.digits++;
      }
      this.started = true;
      if (++i >= stop) return i;
      b = chunk[i];
    }
    if ((b === 0x2b || b === 0x2d) && !this.started) {
      this.neg = b === 0x2d;
      this.started = true;
      return i + 1;
    }
    if (b === 0x2e && !this.dot) {
      this.dot = true;
      this.started = true;
      return i + 1;
    }
    const upper = b >= 0x40 && b <= 0x5e;
    const lower = b >= 0x60 && b <= 0x7e;
    if (!upper && !lower) {
      this.state = St.Text; // malformed: the byte is read again as text
      return i;
    }
    const payload = this.command(upper ? b : b - 0x20, base + i);
    const next = i + 1;
    if (payload > 0) {
      this.payloadLeft = payload;
      this.state = St.Payload;
      this.afterPayload = lower ? St.Value : St.Text;
      if (this.phase === 'setup') {
        this.em.emitTo(base + next);
        this.endSetup(); // raster, fonts, …: the page has begun
      }
    } else if (lower) {
      this.startValue(base + next); // the chain goes on with the next parameter
    } else {
      this.state = St.Text;
    }
    return next;
  }

  /** Applies one parameter; returns the length of the payload that follows it. */
  private command(term: number, termAt: number): number {
    const k = (this.param << 16) | (this.group << 8) | term;
    const v = this.neg ? -this.intVal : this.intVal;
    if (PAYLOAD.has(k)) return Math.max(0, v);
    if (k === COPIES && this.edits.copiesToOne) {
      if (v !== 1) this.conflict = true;
      this.replace(termAt, '1');
    } else if (k === SIDES && this.edits.sides !== null) {
      if (v !== this.edits.sides) this.conflict = true;
      this.foundSides = true;
      this.replace(termAt, String(this.edits.sides));
    } else if (k === RECT_FILL && this.phase === 'setup') {
      this.endSetup(); // a rectangle fill marks the page
    }
    return 0;
  }

  private replace(termAt: number, digits: string): void {
    if (termAt - this.valueAt > VALUE_CAP || this.valueAt < this.em.emitted) {
      this.problem('PCL_NOT_EDITED');
      return;
    }
    this.em.emitTo(this.valueAt);
    this.em.push(Buffer.from(digits, 'latin1'));
    this.em.skipTo(termAt);
  }

  /** The setup is over: writes it (with ESC&l#S when it had none) and picks the next phase. */
  private endSetup(): void {
    if (this.phase !== 'setup') return;
    const insert = this.edits.sides !== null && !this.foundSides;
    const out = this.realOut;
    const parts = this.setupOut.splice(0);
    for (let k = 0; k < parts.length; k++) {
      if (insert && k === this.insertAt) out.push(this.sidesCommand());
      out.push(parts[k]);
    }
    if (insert && this.insertAt >= parts.length) out.push(this.sidesCommand());
    this.em.out = out;
    this.phase = this.conflict ? 'full' : 'pass';
  }

  private sidesCommand(): Buffer {
    return Buffer.from(`\x1b&l${this.edits.sides ?? 0}S`, 'latin1');
  }
}
