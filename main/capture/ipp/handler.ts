// The IPP/2.0 printer at /ipp/print, as an HTTP request handler. The capture listener owns
// the http.Server (it hands sniffed sockets over with emit('connection')) and calls
// handle() for every request. IPP-level errors are always HTTP 200 with an IPP status;
// plain HTTP errors (404, 405, 415) are for requests that are not IPP at all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModeKind } from '../../config/types.js';
import type { Logger } from '../../log/types.js';
import { drop, errorCode } from '../../util/errors.js';
import type { CaptureSink } from '../types.js';
import { BodyReader } from './body-reader.js';
import { DEFAULT_DECODE_LIMITS, encodeMessage, IppDecodeError, IppRequestDecoder, type DecodeStep, type IppMessage } from './codec.js';
import { printJob, sendDocument, type DocumentDeps } from './document.js';
import { JobTable } from './job-table.js';
import { cancelJob, createJob, getJobAttributes, getJobs, getPrinterAttributes, refuse, validateJob, type PrinterContext } from './operations.js';
import { ippResponse } from './response.js';
import { Operation, Status } from './tags.js';
import { checkEnvelope } from './validate.js';

export interface IppPrinterOptions {
  sink: CaptureSink;
  mode: ModeKind;
  peerOf(req: IncomingMessage): string;
  /** e.g. 'PullPrint Hybrid' (printer-name, printer-info). */
  printerName: string;
  /** ProtocolMeta.queue for IPP jobs. */
  queueName: string;
  maxJobSizeBytes: number;
  logger: Logger;
  /** Injectable clock (ms since the epoch). */
  now?: () => number;
}

export interface IppPrinter {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Stops accepting requests and cuts uploads in progress (their receivers are aborted). */
  close(): void;
}

/** Jobs remembered for Get-Jobs / Get-Job-Attributes. */
const JOB_TABLE_SIZE = 500;
/** After an early answer, the rest of a refused body is read and discarded up to these limits, then the connection is closed. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

const IPP_PATH = /^\/(?:ipp\/print(?:\/(?:\d{1,10})?)?)?$/;

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** Host header as sent (used in ipp:// URIs), if it is a plausible host[:port]. */
function hostOf(req: IncomingMessage): string {
  const h = req.headers.host;
  if (h && h.length <= 255 && /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._-]+)?\])(?::\d{1,5})?$/.test(h)) return h;
  const addr = req.socket.localAddress;
  const port = req.socket.localPort;
  if (addr && port) return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
  return 'localhost';
}

function sendPlain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), ...headers });
  res.end(body);
}

function sendIpp(res: ServerResponse, message: IppMessage): void {
  const body = encodeMessage(message);
  res.writeHead(200, { 'Content-Type': 'application/ipp', 'Content-Length': String(body.length) });
  res.end(body);
}

export function createIppPrinter(opts: IppPrinterOptions): IppPrinter {
  const now = opts.now ?? Date.now;
  // The caller names the logger (the engine passes a child such as [capture:hybrid][ipp]).
  const log = opts.logger;
  const startedMs = now();
  const jobs = new JobTable(JOB_TABLE_SIZE);
  const active = new Set<IncomingMessage>();
  let receiving = 0;
  let closed = false;

  function context(req: IncomingMessage): PrinterContext {
    const host = hostOf(req);
    const printerUri = `ipp://${host}/ipp/print`;
    return {
      printerUri,
      moreInfoUri: `http://${host}/`,
      printerName: opts.printerName,
      jobs,
      receiving,
      maxJobSizeBytes: opts.maxJobSizeBytes,
      get nowMs() {
        return now();
      },
      // printer-up-time counts seconds from 1, so it is > 0 from the first request on.
      upTime: (ms: number) => Math.max(1, Math.floor((ms - startedMs) / 1000) + 1),
      jobUri: (id: number) => `${printerUri}/${id}`,
      find: opts.sink.find ? (seq: number) => opts.sink.find?.(seq) : undefined,
    };
  }

  /**
   * Answers first, then discards what is left of the body: libcups notices an early
   * answer while it is still sending, and the connection stays usable if the body ends
   * within the drain limits. Otherwise the connection is closed.
   */
  async function answer(req: IncomingMessage, res: ServerResponse, reader: BodyReader, message: IppMessage): Promise<void> {
    if (!res.writableEnded && !res.destroyed) sendIpp(res, message);
    if (reader.isEnded) return;
    const ended = await reader.drain(DRAIN_MAX_BYTES, DRAIN_TIMEOUT_MS);
    if (!ended) req.socket.destroy();
  }

  async function serveIpp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reader = new BodyReader(req);
    const peer = opts.peerOf(req);
    active.add(req);
    try {
      const decoder = new IppRequestDecoder(DEFAULT_DECODE_LIMITS);
      let step: DecodeStep = { done: false };
      try {
        while (!step.done) {
          const chunk = await reader.next();
          step = chunk === null ? decoder.end() : decoder.push(chunk);
        }
      } catch (err) {
        if (err instanceof IppDecodeError) {
          log.warn('malformed IPP request', { peer, reason: err.message });
          const header = { major: 1, minor: 1, requestId: err.requestId ?? 0 };
          await answer(req, res, reader, ippResponse(header, Status.badRequest, { message: `Malformed IPP request: ${err.message}` }));
        } else {
          log.debug('IPP client went away while sending attributes', { peer, code: errorCode(err) });
        }
        return;
      }
      const { message: request, rest } = step;
      const ctx = context(req);
      const refusal = checkEnvelope(request);
      if (refusal) {
        await answer(req, res, reader, refuse(request, refusal));
        return;
      }
      log.debug('IPP request', { peer, operation: `0x${request.code.toString(16).padStart(4, '0')}`, requestId: request.requestId });
      const deps: DocumentDeps = {
        sink: opts.sink,
        captureContext: { protocol: 'ipp', mode: opts.mode, peer },
        queueName: opts.queueName,
        maxJobSizeBytes: opts.maxJobSizeBytes,
        logger: log,
        receiving: (delta) => {
          receiving += delta;
        },
      };
      let response: IppMessage | null;
      switch (request.code) {
        case Operation.printJob:
          response = await printJob(request, rest, reader, ctx, deps);
          break;
        case Operation.sendDocument:
          response = await sendDocument(request, rest, reader, ctx, deps);
          break;
        case Operation.validateJob:
          response = validateJob(request, ctx);
          break;
        case Operation.createJob:
          response = createJob(request, ctx);
          break;
        case Operation.cancelJob:
          response = cancelJob(request, ctx);
          break;
        case Operation.getJobAttributes:
          response = getJobAttributes(request, ctx);
          break;
        case Operation.getJobs:
          response = getJobs(request, ctx);
          break;
        case Operation.getPrinterAttributes:
          response = getPrinterAttributes(request, ctx);
          break;
        default:
          response = refuse(request, { status: Status.operationNotSupported, message: `Operation 0x${request.code.toString(16).padStart(4, '0')} is not supported.` });
      }
      if (response === null) return; // the client is gone
      await answer(req, res, reader, response);
    } finally {
      active.delete(req);
      reader.detach();
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closed) {
      sendPlain(res, 503, 'The printer is shutting down.\n', { Connection: 'close' });
      return;
    }
    const path = pathOf(req.url);
    if (!IPP_PATH.test(path)) {
      sendPlain(res, 404, 'Not found.\n');
      return;
    }
    if (req.method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/ipp') {
        sendPlain(res, 415, 'POST application/ipp here.\n');
        return;
      }
      await serveIpp(req, res);
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/') {
      sendPlain(res, 200, `${opts.printerName}\nIPP printer: ipp://${hostOf(req)}/ipp/print\n`);
      return;
    }
    sendPlain(res, 405, 'Method not allowed.\n', { Allow: path === '/' ? 'GET, HEAD, POST' : 'POST' });
  }

  return {
    handle(req, res) {
      drop(serve(req, res), (err) => {
        log.error('IPP request failed', { code: errorCode(err), message: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) sendPlain(res, 500, 'Internal error.\n', { Connection: 'close' });
        else res.destroy();
      });
    },
    close() {
      closed = true;
      for (const req of active) req.destroy();
      active.clear();
    },
  };
}
