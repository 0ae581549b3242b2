// Release to an IPP printer: one Print-Job over HTTP/1.1 (ipp://) or HTTPS (ipps://),
// the request body chunked — the IPP header first, then the document streamed from the
// file (through the rewriter) — so memory does not grow with the job. The printer's
// answer is read with a byte cap and decoded by the capture side's bounded IPP decoder.
// A printer that refuses early (a wrong document-format, say) is believed at once even
// though the document was not all sent.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { IppAttribute } from '../capture/ipp/codec.js';
import type { Logger } from '../log/types.js';
import { PullPrintError } from '../util/errors.js';
import { ReleaseError } from './errors.js';
import { encodePrintJob, ippStatusName, isSuccess, readPrintJobAnswer, type PrintJobAnswer } from './ipp-print-job.js';
import { classifyNetworkError } from './network-errors.js';
import type { PrinterTarget } from './printer-uri.js';

/** How an ipps:// printer's certificate is checked. */
export interface PrinterTlsOptions {
  /** Extra certificate authorities (PEM) trusted for printers, added to Node's roots. */
  readonly ca?: string | readonly string[];
  /** Accept any certificate (printers mostly ship self-signed ones); default false. */
  readonly allowUntrusted?: boolean;
}

export interface IppDeliveryOptions {
  readonly target: PrinterTarget;
  readonly requestingUserName: string;
  readonly jobName: string;
  readonly documentFormat: string;
  readonly jobAttributes: readonly IppAttribute[];
  readonly document: Readable;
  readonly tls?: PrinterTlsOptions;
  readonly connectTimeoutMs?: number;
  /** No progress either way for this long: PRINTER_TIMEOUT. */
  readonly idleTimeoutMs?: number;
  readonly logger: Logger;
}

export interface IppDeliveryResult {
  readonly bytesSent: number;
  readonly answer: PrintJobAnswer;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

function hostHeader(t: PrinterTarget): string {
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

export function deliverToIpp(o: IppDeliveryOptions): Promise<IppDeliveryResult> {
  const t = o.target;
  const where = t.uri;
  const header = encodePrintJob({
    printerUri: t.uri,
    requestingUserName: o.requestingUserName,
    jobName: o.jobName,
    documentFormat: o.documentFormat,
    jobAttributes: o.jobAttributes,
    requestId: randomInt(1, 0x7fffffff),
  });
  const connectMs = o.connectTimeoutMs ?? 10_000;
  const idleMs = o.idleTimeoutMs ?? 120_000;
  const common = {
    host: t.host,
    port: t.port,
    path: t.path,
    method: 'POST',
    agent: false as const,
    headers: { 'content-type': 'application/ipp', host: hostHeader(t), 'user-agent': 'PullPrint release' },
  };
  const tls = o.tls ?? {};
  const req: ClientRequest = t.scheme === 'ipps'
    ? httpsRequest({
      ...common,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: tls.allowUntrusted !== true,
      ...(tls.ca ? { ca: Array.isArray(tls.ca) ? [...(tls.ca as string[])] : [tls.ca as string] } : {}),
      // SNI carries names only, never addresses (RFC 6066 §3).
      ...(isIP(t.host) === 0 ? { servername: t.host } : {}),
    })
    : httpRequest(common);

  return new Promise<IppDeliveryResult>((resolve, reject) => {
    let settled = false;
    let connected = false;
    let bytes = 0;
    let answer: PrintJobAnswer | null = null;
    let bodySent = false;
    const connectTimer = setTimeout(() => fail(new ReleaseError('PRINTER_UNREACHABLE', `no connection to ${where} within ${connectMs} ms`)), connectMs);

    function fail(err: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      o.document.unpipe(req);
      o.document.destroy();
      req.destroy();
      reject(err instanceof PullPrintError ? err : classifyNetworkError(err, where, connected));
    }
    function maybeDone(): void {
      if (settled || answer === null) return;
      if (!isSuccess(answer.status)) {
        const a = answer;
        fail(new ReleaseError('PRINTER_REFUSED', `the printer ${where} refused the job: ${ippStatusName(a.status)}${a.statusMessage ? ` (${a.statusMessage})` : ''}`, { ippStatus: a.status }));
        return;
      }
      if (!bodySent) return; // success before the whole document went: wait for it
      settled = true;
      clearTimeout(connectTimer);
      req.destroy();
      resolve({ bytesSent: bytes, answer });
    }

    req.on('socket', (s) => {
      s.once(t.scheme === 'ipps' ? 'secureConnect' : 'connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    req.setTimeout(idleMs, () => fail(new ReleaseError('PRINTER_TIMEOUT', `the printer ${where} did not progress for ${idleMs} ms`)));
    req.on('error', (err) => {
      // A printer that answered and then closed mid-upload: its answer is what counts.
      if (answer !== null && !isSuccess(answer.status)) maybeDone();
      else fail(err);
    });
    req.on('finish', () => {
      bodySent = true;
      maybeDone();
    });
    req.on('response', (res: IncomingMessage) => {
      const ct = String(res.headers['content-type'] ?? '');
      if (res.statusCode !== 200 || !ct.toLowerCase().startsWith('application/ipp')) {
        res.resume();
        const status = res.statusCode ?? 0;
        fail(new ReleaseError('PRINTER_REFUSED', `the printer ${where} answered HTTP ${status}${ct ? ` (${ct.split(';')[0]})` : ''} instead of an IPP response`, { httpStatus: status }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > MAX_ANSWER_BYTES) {
          fail(new ReleaseError('PRINTER_BAD_RESPONSE', `the printer ${where} sent an IPP answer over ${MAX_ANSWER_BYTES} bytes`));
          return;
        }
        chunks.push(b);
      });
      res.on('error', (err) => fail(err));
      res.on('end', () => {
        try {
          answer = readPrintJobAnswer(Buffer.concat(chunks));
        } catch (err) {
          fail(new ReleaseError('PRINTER_BAD_RESPONSE', `the printer ${where} sent an IPP answer that cannot be read: ${err instanceof Error ? err.message : String(err)}`));
          return;
        }
        o.logger.debug('IPP answer', { printer: where, status: ippStatusName(answer.status), jobId: answer.jobId });
        maybeDone();
      });
    });

    o.document.on('data', (b: Buffer) => {
      bytes += b.length;
    });
    o.document.once('error', (err) => fail(err instanceof PullPrintError ? err : new ReleaseError('DOCUMENT_UNREADABLE', `reading the document failed: ${err.message}`, {}, { cause: err })));
    req.write(header);
    o.document.pipe(req);
  });
}
