// The outbox's surroundings in the tests: a real Spool in a temporary folder (Cloud and
// Hybrid modes), jobs stored through its capture interface, a "fault front" standing
// between the client and the reference server (answers 500, hangs, trickles, drops the
// answer, or passes through), and waiting for outbox events.

import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { request, type Agent } from 'undici';
import type { CloudOutbox } from '../../../main/cloud/outbox.js';
import type { CloudOutboxEventOf, CloudOutboxEventType } from '../../../main/cloud/outbox-events.js';
import type { ModeKind } from '../../../main/config/types.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { createJobInspector } from '../../../main/pdl/inspector.js';
import { Spool, type JobRecord } from '../../../main/spool/spool.js';

export function openSpool(dataDir: string, owner: string): Promise<Spool> {
  const settings = (initialState: 'queued' | 'held') => ({ fileNameFormat: '%d_%i.prn', queueName: 'LPMCloud', maxJobSizeBytes: 2 ** 31, initialState });
  return Spool.open({
    dataDir,
    logger: nullLogger(),
    modes: { cloud: settings('queued'), hybrid: settings('held') },
    ownerOf: () => owner,
    inspect: createJobInspector,
  });
}

/** A DSC PostScript job of about `padBytes` bytes with a title and page count the inspector reads. */
export function postScript(title: string, pages: number, padBytes = 0): Buffer {
  const body = Array.from({ length: pages }, (_, i) => `%%Page: ${i + 1} ${i + 1}\nnewpath 72 72 moveto (p${i + 1}) show\nshowpage\n`).join('');
  const pad = padBytes > 0 ? `%${'x'.repeat(78)}\n`.repeat(Math.ceil(padBytes / 80)) : '';
  return Buffer.from(`%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: ${pages}\n%%EndComments\n${pad}${body}%%EOF\n`);
}

/** Stores a job as a capture protocol would (RAW), resolves with its record. */
export async function storeJob(spool: Spool, bytes: Buffer, mode: ModeKind = 'cloud', copies = 1): Promise<JobRecord> {
  const r = await spool.begin({ protocol: 'ipp', mode, peer: '127.0.0.1:1' });
  for (let i = 0; i < bytes.length; i += 64 * 1024) await r.write(bytes.subarray(i, i + 64 * 1024));
  const c = await r.commit({ protocol: 'ipp', copies });
  const job = spool.get(c.id);
  if (!job) throw new Error('stored job not found');
  return job;
}

/** Resolves with the next event of that type (optionally matching), or rejects after timeoutMs. */
export function nextEvent<T extends CloudOutboxEventType>(
  outbox: CloudOutbox, type: T, match: (e: CloudOutboxEventOf<T>) => boolean = () => true, timeoutMs = 15_000,
): Promise<CloudOutboxEventOf<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = outbox.on(type, (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export type Fault =
  /** Answers 500 with a JSON error, body unread. */
  | '500'
  /** Reads the whole body and never answers. */
  | 'hang'
  /** Passes the request on, then sends the answer's headers and trickles one byte a second. */
  | 'trickle'
  /** Passes the request on, then drops the connection without an answer (lost answer). */
  | 'drop-answer'
  /** Passes through. */
  | 'pass';

export interface FaultFront {
  readonly host: string;
  readonly port: number;
  /** Faults for the next requests, in order; then 'pass'. */
  readonly plan: Fault[];
  /** Every request seen: method, path, fault applied. */
  readonly seen: Array<{ method: string; path: string; fault: Fault }>;
  close(): Promise<void>;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'te', 'upgrade']);

export async function startFaultFront(target: string, tls: { key: string; cert: string }, agent: Agent): Promise<FaultFront> {
  const plan: Fault[] = [];
  const seen: FaultFront['seen'] = [];
  const forward = async (req: IncomingMessage) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP.has(k))) as Record<string, string>;
    return request(`${target}${req.url ?? '/'}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers,
      body: req.method === 'PUT' ? req : undefined,
      dispatcher: agent,
    });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const fault = plan.shift() ?? 'pass';
    seen.push({ method: req.method ?? '', path: req.url ?? '', fault });
    switch (fault) {
      case '500':
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'injected failure' } }));
        return;
      case 'hang':
        req.resume();
        return;
      case 'pass':
      case 'trickle':
      case 'drop-answer': {
        const up = await forward(req);
        if (fault === 'drop-answer') {
          await up.body.dump();
          res.socket?.destroy();
          return;
        }
        const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP.has(k)));
        res.writeHead(up.statusCode, headers);
        if (fault === 'pass') {
          await pipeline(up.body, res);
          return;
        }
        const text = Buffer.from(await up.body.text());
        for (let i = 0; i < text.length && !res.destroyed; i++) {
          res.write(text.subarray(i, i + 1));
          await new Promise((r) => setTimeout(r, 1000));
        }
        res.end();
        return;
      }
    }
  };
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1', port, plan, seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
