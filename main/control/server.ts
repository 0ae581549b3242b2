// The control channel server: the CLI (and scripts) talk to a running engine through it.
// Unix socket created with owner-only permissions inside the owner-only data folder.

import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { chmod, unlink } from 'node:fs/promises';
import type { Logger } from '../log/types.js';
import { PullPrintError, errorCode } from '../util/errors.js';
import { MAX_LINE_BYTES, requestSchema } from './protocol.js';
import type { ControlMethods, ControlResponse } from './protocol.js';

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

function isEngineListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Answers one decoded line. Never throws. */
export async function answer(line: string, methods: ControlMethods): Promise<ControlResponse> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { id: null, ok: false, error: { code: 'PARSE_ERROR', message: 'the request is not valid JSON' } };
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const id = raw && typeof raw === 'object' && 'id' in raw && (typeof raw.id === 'number' || typeof raw.id === 'string') ? raw.id : null;
    return { id, ok: false, error: { code: 'BAD_REQUEST', message: `malformed request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}` } };
  }
  const { id, method, params } = parsed.data;
  const m = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!m) {
    return { id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown request "${method}"; known: ${Object.keys(methods).sort().join(', ')}` } };
  }
  const p = m.params.safeParse(params ?? {});
  if (!p.success) {
    return { id, ok: false, error: { code: 'BAD_PARAMS', message: `bad parameters for ${method}: ${p.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}` } };
  }
  try {
    return { id, ok: true, result: (await m.run(p.data)) ?? null };
  } catch (err) {
    const code = err instanceof PullPrintError ? err.code : errorCode(err);
    const message = err instanceof Error ? err.message : String(err);
    return { id, ok: false, error: { code: code === 'UNKNOWN' ? 'INTERNAL' : code, message } };
  }
}

function serve(socket: Socket, methods: ControlMethods, log: Logger): void {
  let buf = '';
  let chain = Promise.resolve();
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    if (Buffer.byteLength(buf) > MAX_LINE_BYTES && !buf.includes('\n')) {
      const res: ControlResponse = { id: null, ok: false, error: { code: 'REQUEST_TOO_LARGE', message: `a request line may not exceed ${MAX_LINE_BYTES} bytes` } };
      socket.end(`${JSON.stringify(res)}\n`);
      socket.removeAllListeners('data');
      log.warn('control request too large', { code: 'REQUEST_TOO_LARGE' });
      return;
    }
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      // Answer strictly in order, one at a time.
      chain = chain.then(async () => {
        const res = await answer(line, methods);
        if (!res.ok) log.debug('control request refused', { code: res.error.code });
        if (!socket.destroyed) socket.write(`${JSON.stringify(res)}\n`);
      });
    }
  });
  socket.on('error', () => undefined);
}

export async function startControlServer(path: string, methods: ControlMethods, logger: Logger): Promise<ControlServer> {
  const log = logger.child('control');
  const isPipe = path.startsWith('\\\\');
  if (!isPipe) {
    if (await isEngineListening(path)) {
      throw new PullPrintError('ENGINE_ALREADY_RUNNING', `another PullPrint engine already answers on ${path}`);
    }
    await unlink(path).catch(() => undefined); // a stale socket from a crash
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    serve(s, methods, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Create the socket owner-only from the start (no window where others could connect).
    const oldMask = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(oldMask);
    }
  });
  if (!isPipe) await chmod(path, 0o600);
  log.info('control channel listening', { path });
  let closing: Promise<void> | null = null;
  return {
    path,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }).then(async () => {
        if (!isPipe) await unlink(path).catch(() => undefined);
      });
      return closing;
    },
  };
}
