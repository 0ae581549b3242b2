// Tagged Binary Communications Protocol (CUPS monitor/tbcp.c, PROTOCOLS.md §6): after
// the `01 4D` (^A M) switch, the bytes 01 03 04 05 11 13 14 1B 1C are sent as 01 then
// the byte XOR 0x40. Decoding gives the PDL parsers the bytes the interpreter sees.
// UEL framing is not escaped and is handled on the raw stream before this point.

const ESCAPED = new Set([0x01, 0x03, 0x04, 0x05, 0x11, 0x13, 0x14, 0x1b, 0x1c]);

export interface TbcpDecoder {
  /** Raw bytes, starting with the `01 4D` switch. */
  write(chunk: Buffer): void;
  /** Whether the stream ended in the middle of an escape, or held an invalid one. */
  malformed(): boolean;
}

export function createTbcpDecoder(out: (decoded: Buffer) => void): TbcpDecoder {
  let switchLeft = 2; // the `01 4D` that starts the stream is not data
  let pendingEscape = false;
  let bad = false;

  function write(chunk: Buffer): void {
    let buf = chunk;
    if (switchLeft > 0) {
      const n = Math.min(switchLeft, buf.length);
      switchLeft -= n;
      buf = buf.subarray(n);
    }
    if (buf.length === 0) return;
    if (!pendingEscape && buf.indexOf(0x01) < 0) {
      out(buf);
      return;
    }
    const dec = Buffer.allocUnsafe(buf.length);
    let n = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (pendingEscape) {
        const d = b ^ 0x40;
        if (!ESCAPED.has(d)) bad = true;
        dec[n++] = d;
        pendingEscape = false;
      } else if (b === 0x01) {
        pendingEscape = true;
      } else {
        dec[n++] = b;
      }
    }
    if (n > 0) out(dec.subarray(0, n));
  }

  return { write, malformed: () => bad || pendingEscape };
}
