// The report server client: one HTTP(S) POST of a report per batch (docs/tracker.md
// "HTTP request"). Success is a 2xx whose body is empty (every record accepted) or a
// DJTReportResult listing the record ids the server holds. Anything else is a failure and
// the records stay pending; a 2xx with a body we cannot read is a failure too, because a
// proxy or captive portal answering 200 must not make us drop records.

import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { VERSION } from '../core/version.js';
import { errorCode } from '../util/errors.js';
import { parseResult } from './report-xml.js';

export const REPORT_PATH = '/djt/v1/reports';
export const REPORT_CONTENT_TYPE = 'application/xml; charset=utf-8';
/** Largest answer read from the server; a list of 1000 accepted ids is about 60 KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface ServerTarget {
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
}

/** ServerIP 0.0.0.0 (the default) means no report server has been configured. */
export function isServerConfigured(server: ServerTarget): boolean {
  return !['', '0.0.0.0', '[::]', '[0:0:0:0:0:0:0:0]'].includes(server.host);
}

export function reportUrl(server: ServerTarget): string {
  return `${server.ssl ? 'https' : 'http'}://${server.host}:${server.port}${REPORT_PATH}`;
}

export type SendOutcome =
  | { readonly ok: true; /** null: every record of the batch */ readonly accepted: readonly string[] | null }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly status?: number; readonly aborted?: boolean };

export interface SenderOptions {
  readonly server: ServerTarget;
  /** Extra trusted CA certificates (PEM), added to the bundled roots. */
  readonly extraCa: string | null;
  readonly timeoutMs: number;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, cap: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short, single-line excerpt of a server's error text, safe for logs. */
function excerpt(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim().slice(0, 200);
}

export class ReportSender {
  readonly url: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(opts: SenderOptions) {
    this.url = reportUrl(opts.server);
    this.#timeoutMs = opts.timeoutMs;
    this.#agent = new Agent({
      connect: {
        timeout: opts.timeoutMs,
        minVersion: 'TLSv1.2',
        ...(opts.extraCa ? { ca: [...rootCertificates, opts.extraCa] } : {}),
      },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /** Posts one report. Never throws; `stop` aborts it (outcome.aborted). */
  async send(xml: string, stop: AbortSignal): Promise<SendOutcome> {
    const signal = AbortSignal.any([stop, AbortSignal.timeout(this.#timeoutMs)]);
    try {
      const res = await request(this.url, {
        method: 'POST',
        dispatcher: this.#agent,
        signal,
        headers: {
          'content-type': REPORT_CONTENT_TYPE,
          accept: 'application/xml',
          'user-agent': `PullPrint/${VERSION}`,
        },
        body: xml,
      });
      if (res.statusCode < 200 || res.statusCode > 299) {
        const text = await readCapped(res.body, 4096).catch(() => null);
        const detail = text ? `: ${excerpt(text)}` : '';
        return { ok: false, code: `HTTP_${res.statusCode}`, status: res.statusCode, message: `the report server answered HTTP ${res.statusCode}${detail}` };
      }
      const text = await readCapped(res.body, MAX_RESPONSE_BYTES);
      if (text === null) return { ok: false, code: 'TRACKER_BAD_RESPONSE', status: res.statusCode, message: `the report server's answer exceeds ${MAX_RESPONSE_BYTES} bytes` };
      if (text.trim() === '') return { ok: true, accepted: null };
      const parsed = parseResult(text);
      if (!parsed.ok) return { ok: false, code: 'TRACKER_BAD_RESPONSE', status: res.statusCode, message: `the report server answered ${res.statusCode} with an unreadable body (${parsed.error})` };
      return { ok: true, accepted: parsed.accepted };
    } catch (err) {
      if (stop.aborted) return { ok: false, code: 'ABORTED', message: 'the send was cancelled (tracker stopping)', aborted: true };
      const timedOut = signal.aborted || /TIMEOUT/.test(errorCode(err));
      if (timedOut) return { ok: false, code: 'TRACKER_TIMEOUT', message: `the report server did not answer within ${this.#timeoutMs / 1000} s` };
      const code = errorCode(err);
      const why = err instanceof Error ? err.message : String(err);
      return { ok: false, code: code === 'UNKNOWN' ? 'TRACKER_UNREACHABLE' : code, message: `cannot reach the report server: ${why}${code !== 'UNKNOWN' && !why.includes(code) ? ` (${code})` : ''}` };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close().catch(() => undefined);
  }
}
