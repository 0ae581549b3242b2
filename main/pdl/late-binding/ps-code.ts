// The PostScript written for late binding: what goes inside a rewritten driver feature
// block, and the guarded requests injected before %%EndSetup (PROTOCOLS.md §6). Each
// request is guarded as drivers guard theirs, so a device without duplex (or one that
// refuses a key) carries on instead of failing the job.
import type { SidesChoice } from './types.js';

/** The PPD option name a `%%BeginFeature: *Duplex` comment carries. */
export function duplexOption(sides: SidesChoice): string {
  return sides === 'simplex' ? 'None' : sides === 'duplex-long' ? 'DuplexNoTumble' : 'DuplexTumble';
}

/** The setpagedevice request for sides (Tumble false = long-edge binding). */
export function duplexRequest(sides: SidesChoice): string {
  if (sides === 'simplex') return '<</Duplex false>> setpagedevice';
  return `<</Duplex true /Tumble ${sides === 'duplex-short' ? 'true' : 'false'}>> setpagedevice`;
}

/** Copies live in PJL QTY (§5 rule 4): the PostScript asks for one. */
export const COPIES_REQUEST = '<</NumCopies 1>> setpagedevice';

/** The injected block: one guarded request per line, each ending with `eol`. */
export function injection(sides: SidesChoice | null, copiesToOne: boolean, eol: string): Buffer {
  const lines: string[] = [];
  if (sides !== null) lines.push(`[{ ${duplexRequest(sides)} } stopped cleartomark`);
  if (copiesToOne) lines.push(`[{ ${COPIES_REQUEST} } stopped cleartomark`);
  return Buffer.from(lines.map((l) => l + eol).join(''), 'latin1');
}
