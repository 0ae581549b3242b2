// Shared set-up for the release tests: a real spool in a temporary data folder, jobs
// stored through its capture-side receiver (so facts come from the real inspectors), a
// release service on 127.0.0.1 port 0, and an HTTPS client that trusts exactly the
// service's certificate.
import type { TestContext } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { ModeKind } from '../../../main/config/types.js';
import type { Logger } from '../../../main/log/types.js';
import { createJobInspector } from '../../../main/pdl/inspector.js';
import { Spool } from '../../../main/spool/spool.js';
import type { JobRecord } from '../../../main/spool/types.js';
import type { ProtocolMeta } from '../../../main/capture/types.js';
import { ReleaseService, type ReleaseServiceOptions } from '../../../main/release/index.js';
import type { Clock } from '../../../main/release/types.js';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { memoryLogger } from '../../helpers/memory-logger.js';

export { memoryLogger, type LogLine } from '../../helpers/memory-logger.js';

export async function tempDataDir(t: TestContext | { after(fn: () => Promise<void>): void }, prefix = 'release'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pullprint-${prefix}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const MODE_SETTINGS = { fileNameFormat: '%d_%i.prn', maxJobSizeBytes: 4 * 1024 ** 3, initialState: 'held' as const };

/** A spool whose jobs belong to the user the job names (meta.user), for multi-user tests. */
export async function openSpool(dataDir: string, clock: Pick<Clock, 'now'> = REAL_CLOCK, logger: Logger = memoryLogger()): Promise<Spool> {
  return Spool.open({
    dataDir,
    logger,
    modes: {
      hybrid: { ...MODE_SETTINGS, queueName: 'PullPrintHybrid' },
      'serverless-ad': { ...MODE_SETTINGS, queueName: 'PullPrintAD' },
      local: { ...MODE_SETTINGS, queueName: 'PullPrint' },
    },
    // Not known at begin (no meta yet): the spool then receives into users/ itself.
    ownerOf: (meta) => {
      if (!meta.user) throw new Error('the owner is known at commit');
      return meta.user;
    },
    inspect: createJobInspector,
    now: () => clock.now(),
  });
}

/** Stores `data` as a job of `owner` through the spool's receiver (the capture path). */
export async function storeJob(spool: Spool, data: Buffer, o: { owner: string; mode?: ModeKind; title?: string; copies?: number }): Promise<JobRecord> {
  const mode = o.mode ?? 'hybrid';
  const r = await spool.begin({ protocol: 'ipp', mode, peer: '127.0.0.1:1' });
  for (let i = 0; i < data.length; i += 64 * 1024) await r.write(data.subarray(i, i + 64 * 1024));
  const meta: ProtocolMeta = { protocol: 'ipp', user: o.owner, jobName: o.title ?? null, copies: o.copies ?? null };
  const c = await r.commit(meta);
  const job = spool.get(c.id);
  if (!job) throw new Error('stored job not found');
  return job;
}

export interface RunningService {
  service: ReleaseService;
  port: number;
  base: string;
  /** An undici dispatcher trusting only the service's certificate. */
  agent: Agent;
  certPem: string;
}

export async function startService(t: { after(fn: () => Promise<void>): void }, o: Partial<ReleaseServiceOptions> & Pick<ReleaseServiceOptions, 'spool' | 'dataDir'>, modes: ModeKind[] = ['hybrid']): Promise<RunningService> {
  const service = new ReleaseService({
    logger: memoryLogger(),
    lateBindingEnabled: true,
    lifespans: {},
    emptyFolders: { enabled: false, lifespanDays: 7 },
    forgetUser: async () => undefined,
    servers: [{ port: 0, useSsl: true, modes }],
    host: '127.0.0.1',
    tls: { names: () => ({ dns: ['localhost'], ips: ['127.0.0.1'] }) },
    clock: REAL_CLOCK,
    ...o,
  });
  await service.start();
  const st = service.status();
  const port = st.listeners[0].port;
  const { readFile } = await import('node:fs/promises');
  const certPem = st.listeners[0].secure ? await readFile(join(o.dataDir, 'release-tls', 'cert.pem'), 'utf8') : '';
  const agent = new Agent({ connect: st.listeners[0].secure ? { ca: certPem } : {} });
  t.after(async () => {
    await agent.close();
    await service.stop();
  });
  return { service, port, base: `${st.listeners[0].secure ? 'https' : 'http'}://127.0.0.1:${port}/release/v1`, agent, certPem };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => unknown;
}

export async function call(s: RunningService, method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const res = await request(`${s.base}${path}`, { method: method as 'GET', headers: o.headers, body: o.body, dispatcher: s.agent });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown };
}
