// The CLI side of the control channel: one request, one answer.

import { connect } from 'node:net';
import { PullPrintError } from '../util/errors.js';
import type { ControlResponse } from './protocol.js';

export class ControlError extends PullPrintError {}

/** Sends one request and resolves with its result, or rejects with a ControlError carrying the engine's code. */
export function callEngine(path: string, method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlError('ENGINE_TIMEOUT', `the engine did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    socket.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      let res: ControlResponse;
      try {
        res = JSON.parse(buf.slice(0, nl)) as ControlResponse;
      } catch {
        reject(new ControlError('BAD_RESPONSE', 'the engine sent an unreadable answer'));
        return;
      }
      if (res.ok) resolve(res.result);
      else reject(new ControlError(res.error.code, res.error.message));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new ControlError('ENGINE_NOT_RUNNING', `no PullPrint engine is running for this data folder (nothing answers on ${path}); start one with "pullprint serve"`));
      } else if (err.code === 'EACCES') {
        reject(new ControlError('ENGINE_ACCESS_DENIED', `permission denied on ${path}: the engine belongs to another user`));
      } else {
        reject(new ControlError('ENGINE_UNREACHABLE', `cannot reach the engine on ${path}: ${err.message}`));
      }
    });
  });
}
