// A child process for the crash test: a real Spool and CloudOutbox in the data folder
// given, uploading to the reference server given, with a fixed access token. It prints
// one JSON line per outbox event and runs until killed. Not a test file by itself.
//
//   node --import tsx outbox-child.ts   (settings in PULLPRINT_CHILD_* variables)

import { CloudClient } from '../../../main/cloud/api-client.js';
import { CloudOutbox } from '../../../main/cloud/outbox.js';
import { readCloudCaFile } from '../../../main/cloud/http.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { openSpool } from './outbox-rig.js';

const env = (name: string): string => {
  const v = process.env[`PULLPRINT_CHILD_${name}`];
  if (!v) throw new Error(`PULLPRINT_CHILD_${name} is not set`);
  return v;
};

const dataDir = env('DATA_DIR');
const token = env('TOKEN');
const spool = await openSpool(dataDir, env('OWNER'));
const client = new CloudClient({
  server: { host: '127.0.0.1', port: Number(env('PORT')), path: '', useSsl: true },
  apiVersion: '3.0',
  ca: await readCloudCaFile(env('CA_FILE')),
});
const outbox = new CloudOutbox({
  spool, api: client, dataDir, workstation: 'WS-CHILD', logger: nullLogger(),
  tokens: { accessTokenFor: async () => token },
  backoff: { initialMs: 50, maxMs: 200 },
});
outbox.onAny((e) => {
  const out = e.type === 'submitted' ? { type: e.type, id: e.job.id, replayed: e.replayed } : e;
  process.stdout.write(`${JSON.stringify(out)}\n`);
});
await outbox.start();
process.stdout.write(`${JSON.stringify({ type: 'started', states: spool.list().map((j) => j.state) })}\n`);
// Stay up until killed; the outbox's own timers do not hold the process.
setInterval(() => undefined, 60_000);
