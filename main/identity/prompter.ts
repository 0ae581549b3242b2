// The sign-in prompter port and its terminal implementation. The tray's Electron dialog
// implements the same port. On a terminal the password is read with echo off (raw
// mode); when stdin is not a terminal (scripts), two lines are read: the e-mail address
// (an empty line keeps the suggested one) and the password. End of input cancels.

import type { Readable, Writable } from 'node:stream';
import type { IdentityError } from './errors.js';

export interface SignInRequest {
  /** Suggested address (e.g. the user a job is waiting for). */
  email?: string;
  /** Why a sign-in is needed, shown to the person. */
  reason: string;
  /** The previous attempt's failure, shown above the prompt. */
  error?: IdentityError;
}

export type SignInAnswer = { email: string; password: string } | { sso: true } | null;

export interface SignInPrompter {
  /** null when the person cancels. */
  promptCredentials(req: SignInRequest): Promise<SignInAnswer>;
}

type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

const MAX_LINE = 4096;

export class TerminalPrompter implements SignInPrompter {
  readonly #in: TtyInput;
  readonly #out: Writable;
  #buf = '';
  #ended = false;

  constructor(opts: { input?: TtyInput; output?: Writable } = {}) {
    this.#in = opts.input ?? process.stdin;
    this.#out = opts.output ?? process.stderr;
  }

  get #tty(): boolean {
    return Boolean(this.#in.isTTY && typeof this.#in.setRawMode === 'function');
  }

  /** Feeds input into #buf until `enough(buf)` says a token is complete, or input ends. */
  async #read(enough: (buf: string) => boolean): Promise<void> {
    // 'end' may have fired while we were not listening (between prompts).
    if (this.#in.readableEnded || this.#in.destroyed) this.#ended = true;
    if (enough(this.#buf) || this.#ended) return;
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer | string): void => {
        this.#buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        if (enough(this.#buf) || this.#buf.length > MAX_LINE) finish();
      };
      const onEnd = (): void => {
        this.#ended = true;
        finish();
      };
      const finish = (): void => {
        this.#in.off('data', onData);
        this.#in.off('end', onEnd);
        this.#in.off('error', onEnd);
        this.#in.pause();
        resolve();
      };
      this.#in.on('data', onData);
      this.#in.once('end', onEnd);
      this.#in.once('error', onEnd);
      this.#in.resume();
    });
  }

  async #readLine(): Promise<string | null> {
    await this.#read((b) => b.includes('\n'));
    const nl = this.#buf.indexOf('\n');
    if (nl < 0) {
      if (!this.#ended && this.#buf.length <= MAX_LINE) return null;
      // Last line without a newline, or an over-long line (cut).
      const line = this.#buf.slice(0, MAX_LINE);
      this.#buf = '';
      return this.#ended && line === '' ? null : line.replace(/\r$/, '');
    }
    const line = this.#buf.slice(0, nl).replace(/\r$/, '');
    this.#buf = this.#buf.slice(nl + 1);
    return line;
  }

  /** Raw-mode read with no echo: Enter ends, Backspace edits, Ctrl-C / Ctrl-D cancel. */
  async #readSecret(): Promise<string | null> {
    this.#in.setRawMode?.(true);
    try {
      let secret = '';
      for (;;) {
        await this.#read((b) => b.length > 0);
        if (this.#buf.length === 0) return null; // input ended
        const chunk = this.#buf;
        this.#buf = '';
        for (let i = 0; i < chunk.length; i += 1) {
          const c = chunk[i];
          if (c === '\r' || c === '\n') {
            this.#buf = chunk.slice(i + 1).replace(/^\n/, '');
            return secret;
          }
          if (c === '\u0003' || (c === '\u0004' && secret.length === 0)) return null;
          if (c === '\u007f' || c === '\b') secret = secret.slice(0, -1);
          else if (c >= ' ') secret += c;
          if (secret.length > MAX_LINE) return null;
        }
      }
    } finally {
      this.#in.setRawMode?.(false);
      this.#out.write('\n');
    }
  }

  /** One secret, not echoed on a terminal; one line of standard input otherwise. Null when cancelled. */
  async promptSecret(label: string): Promise<string | null> {
    if (this.#tty) this.#out.write(`${label}: `);
    const secret = this.#tty ? await this.#readSecret() : await this.#readLine();
    return secret === null || secret === '' ? null : secret;
  }

  async promptCredentials(req: SignInRequest): Promise<SignInAnswer> {
    const tty = this.#tty;
    if (tty) {
      this.#out.write(`PullPrint sign-in: ${req.reason}\n`);
      if (req.error) this.#out.write(`${req.error.message}\n`);
      this.#out.write(req.email ? `E-mail address [${req.email}]: ` : 'E-mail address: ');
    }
    const typed = await this.#readLine();
    if (typed === null) return null;
    const email = typed.trim() || req.email || '';
    if (!email) return null;
    let password: string | null;
    if (tty) {
      this.#out.write('Password: ');
      password = await this.#readSecret();
    } else {
      password = await this.#readLine();
    }
    if (password === null || password === '') return null;
    return { email, password };
  }
}
