// A minimal RFC 1179 client for tests: sends one job and resolves once the server has
// acknowledged the data file (i.e. once the job is durably stored).

import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface LpdJob {
  queue?: string;
  user?: string;
  host?: string;
  jobName?: string;
  data: Buffer;
  order?: 'control-first' | 'data-first';
  copies?: number;
}

function readAck(s: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      cleanup();
      if (d.length > 1) s.unshift(d.subarray(1));
      resolve(d[0]);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error('connection closed before the ack'));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const cleanup = (): void => {
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
    };
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onError);
  });
}

async function expectAck(s: Socket, what: string): Promise<void> {
  const a = await readAck(s);
  if (a !== 0) throw new Error(`LPD server refused ${what} (ack ${a})`);
}

function write(s: Socket, b: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => s.write(b, (e) => (e ? reject(e) : resolve())));
}

export async function sendLpdJob(port: number, job: LpdJob, host = '127.0.0.1'): Promise<void> {
  const s = connect(port, host);
  s.pause();
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.resume();
  try {
    const n = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    const h = job.host ?? 'testhost';
    const df = `dfA${n}${h}`;
    const lines = [`H${h}`, `P${job.user ?? 'alice'}`, `J${job.jobName ?? 'test job'}`];
    for (let i = 0; i < (job.copies ?? 1); i++) lines.push(`l${df}`);
    lines.push(`U${df}`, `N${job.jobName ?? 'test job'}`);
    const control = Buffer.from(`${lines.join('\n')}\n`);
    await write(s, `\x02${job.queue ?? 'pullq'}\n`);
    await expectAck(s, 'the queue');
    const sendControl = async (): Promise<void> => {
      await write(s, `\x02${control.length} cfA${n}${h}\n`);
      await expectAck(s, 'the control file header');
      await write(s, Buffer.concat([control, Buffer.from([0])]));
      await expectAck(s, 'the control file');
    };
    const sendData = async (): Promise<void> => {
      await write(s, `\x03${job.data.length} ${df}\n`);
      await expectAck(s, 'the data file header');
      await write(s, job.data);
      await write(s, Buffer.from([0]));
      await expectAck(s, 'the data file');
    };
    if (job.order === 'data-first') {
      await sendData();
      await sendControl();
    } else {
      await sendControl();
      await sendData();
    }
  } finally {
    s.end();
  }
  await new Promise<void>((resolve) => {
    s.once('close', () => resolve());
    s.resume();
  });
}
