// Reads the documents out of a recorded client→server byte stream, so a test can compare
// what the CUPS backend sent with what the engine stored: the data files of an LPD
// receive-job conversation (RFC 1179), and the document bodies of IPP Print-Job and
// Send-Document requests inside HTTP/1.1 requests (Content-Length or chunked).
import { decodeMessage, type IppMessage } from '../../main/capture/ipp/codec.js';
import { Operation } from '../../main/capture/ipp/tags.js';

export interface LpdConversation {
  queue: string;
  /** Control files' text, in order. */
  controls: string[];
  /** Data files' bytes, in order. */
  data: Buffer[];
}

function lineAt(b: Buffer, at: number): { text: string; next: number } {
  const lf = b.indexOf(0x0a, at);
  if (lf < 0) throw new Error(`LPD stream: no LF after offset ${at}`);
  return { text: b.subarray(at, lf).toString('latin1'), next: lf + 1 };
}

export function extractLpd(stream: Buffer): LpdConversation {
  if (stream[0] !== 0x02) throw new Error(`LPD stream starts with 0x${(stream[0] ?? 0).toString(16)}, not a receive-job command`);
  const first = lineAt(stream, 1);
  const out: LpdConversation = { queue: first.text, controls: [], data: [] };
  let at = first.next;
  while (at < stream.length) {
    const cmd = stream[at];
    if (cmd === 0x01) break; // abort
    if (cmd !== 0x02 && cmd !== 0x03) throw new Error(`LPD stream: unexpected subcommand 0x${cmd.toString(16)} at ${at}`);
    const line = lineAt(stream, at + 1);
    const count = Number(line.text.split(' ')[0]);
    at = line.next;
    // CUPS mode=stream and "length unknown" (0) send the file until the connection closes.
    const end = count === 0 || at + count > stream.length ? stream.length : at + count;
    const body = stream.subarray(at, end);
    if (cmd === 0x02) out.controls.push(body.toString('latin1'));
    else out.data.push(Buffer.from(body));
    at = end;
    if (stream[at] === 0x00) at++;
  }
  return out;
}

export interface IppRequestSeen {
  readonly message: IppMessage;
  /** The bytes after the IPP message (the document of Print-Job / Send-Document). */
  readonly document: Buffer;
}

function dechunk(b: Buffer, at: number): { body: Buffer; next: number } {
  const parts: Buffer[] = [];
  for (;;) {
    const crlf = b.indexOf('\r\n', at);
    if (crlf < 0) throw new Error('HTTP stream: truncated chunk size line');
    const size = parseInt(b.subarray(at, crlf).toString('latin1').split(';')[0], 16);
    if (!Number.isInteger(size)) throw new Error('HTTP stream: bad chunk size');
    at = crlf + 2;
    if (size === 0) {
      // Trailers (none from CUPS), then the empty line.
      const end = b.indexOf('\r\n', at);
      return { body: Buffer.concat(parts), next: end < 0 ? b.length : end + 2 };
    }
    parts.push(b.subarray(at, at + size));
    at += size + 2;
  }
}

/** Every HTTP request on one connection, with its IPP message decoded. */
export function extractIppRequests(stream: Buffer): IppRequestSeen[] {
  const out: IppRequestSeen[] = [];
  let at = 0;
  while (at < stream.length) {
    const headEnd = stream.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`HTTP stream: incomplete request head at ${at}`);
    const head = stream.subarray(at, headEnd).toString('latin1').split('\r\n');
    const headers = new Map<string, string>();
    for (const h of head.slice(1)) {
      const i = h.indexOf(':');
      if (i > 0) headers.set(h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim());
    }
    at = headEnd + 4;
    let body: Buffer;
    if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
      const d = dechunk(stream, at);
      body = d.body;
      at = d.next;
    } else {
      const len = Number(headers.get('content-length') ?? '0');
      body = stream.subarray(at, at + len);
      at += len;
    }
    if (!/^POST /.test(head[0] ?? '') || body.length === 0) continue;
    const { message, rest } = decodeMessage(body);
    out.push({ message, document: Buffer.from(rest) });
  }
  return out;
}

/** The documents of Print-Job and Send-Document requests on one connection. */
export function extractIppDocuments(stream: Buffer): Buffer[] {
  return extractIppRequests(stream)
    .filter((r) => r.message.code === Operation.printJob || r.message.code === Operation.sendDocument)
    .map((r) => r.document);
}
