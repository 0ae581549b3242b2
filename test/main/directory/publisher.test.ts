// DirectoryPublisher against a real slapd: each ADWriteOption's timeline through start,
// print, job-count changes, simulated power events and address changes, with a fake
// clock for the retry timers; outages, wrong passwords and missing rights.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AdWriteOption } from '../../../main/config/types.js';
import type { LogMeta, Logger } from '../../../main/log/types.js';
import { FakeClock } from '../../../main/util/fake-clock.js';
import { LdapAttributeWriter } from '../../../main/directory/attribute-writer.js';
import { formatValue } from '../../../main/directory/attribute-value.js';
import { InMemoryCredentialStore } from '../../../main/directory/credential-store.js';
import { connectPowerEvents, ManualPowerEvents } from '../../../main/directory/power.js';
import { DirectoryPublisher } from '../../../main/directory/publisher.js';
import { directorySettings, type DirectorySettingsInput } from '../../../main/directory/settings.js';
import type { DirectoryEvent, WorkstationAddress } from '../../../main/directory/types.js';
import { ACCOUNTS, SUFFIX, startSlapd, type Slapd, type TestAccount } from '../../peers/slapd.js';

const ATTR = 'otherLoginWorkstations';
const WS = '3b0f6a52-1111-4111-8111-000000000001';
const OTHER_WS = '3b0f6a52-2222-4222-8222-000000000002';
const HERE: WorkstationAddress = { host: '192.0.2.10', port: 9443, secure: true };
const OTHER = formatValue({ host: '192.0.2.200', port: 9443, secure: true }, OTHER_WS, 'OTHER-PC');

interface LogLine { level: string; message: string; meta?: LogMeta }
function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, meta?: LogMeta): void => {
    lines.push({ level, message, meta });
  };
  const l: Logger = { critical: at('critical'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => l };
  return l;
}

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  await slapd?.cleanup();
});

interface Rig {
  p: DirectoryPublisher;
  clock: FakeClock;
  creds: InMemoryCredentialStore;
  events: DirectoryEvent[];
  logs: LogLine[];
  power: ManualPowerEvents;
  held: { count: number };
  mine(a?: WorkstationAddress): string;
  values(): Promise<string[]>;
}

async function rig(option: AdWriteOption, opts: {
  account?: TestAccount;
  password?: string | null;
  settings?: Partial<DirectorySettingsInput>;
  address?: WorkstationAddress | null;
  removalTimeoutMs?: number;
} = {}): Promise<Rig> {
  const account = opts.account ?? ACCOUNTS.alice;
  const clock = new FakeClock(new Date('2030-01-07T08:00:00Z'));
  const creds = new InMemoryCredentialStore();
  const user = account.mail;
  if (opts.password !== null) await creds.set(user, { password: opts.password ?? account.password });
  const logs: LogLine[] = [];
  const log = recordingLogger(logs);
  const settings = directorySettings({ urls: [slapd.ldapsUrl], baseDn: SUFFIX, caFile: slapd.caFile, ...opts.settings });
  const p = new DirectoryPublisher({
    user, option, attribute: ATTR, workstationId: WS, label: 'WS-A',
    address: opts.address === undefined ? HERE : opts.address,
    writer: new LdapAttributeWriter(settings, log), credentials: creds, log, clock,
    random: () => 0.5, removalTimeoutMs: opts.removalTimeoutMs ?? 5000,
  });
  const events: DirectoryEvent[] = [];
  p.events.on((e) => events.push(e));
  const power = new ManualPowerEvents();
  const held = { count: 0 };
  connectPowerEvents(power, p, () => held.count);
  return {
    p, clock, creds, events, logs, power, held,
    mine: (a = HERE) => formatValue(a, WS, 'WS-A'),
    values: () => slapd.values(account.dn, ATTR),
  };
}

/** Asserts the attribute holds the other workstation's value plus ours when `present`. */
async function expectOurs(r: Rig, present: boolean, a?: WorkstationAddress): Promise<void> {
  await r.p.idle();
  const want = present ? [OTHER, r.mine(a)].sort() : [OTHER];
  assert.deepEqual(await r.values(), want);
}

beforeEach(async () => {
  for (const a of [ACCOUNTS.alice, ACCOUNTS.bob, ACCOUNTS.carol]) await slapd.setValues(a.dn, ATTR, a === ACCOUNTS.carol ? [] : [OTHER]);
});

describe('timing per ADWriteOption', () => {
  test('AtStartup: written at start, kept through print and an empty queue, removed at sleep, back at wake, removed at shutdown', async () => {
    const r = await rig('AtStartup');
    r.p.start(0);
    await expectOurs(r, true);
    assert.equal(r.p.status().state, 'published');
    // Print time does not write: a value removed behind our back stays removed.
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [OTHER]);
    r.p.jobHeld();
    await expectOurs(r, false);
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [OTHER, r.mine()]);
    r.p.heldJobsChanged(0);
    await expectOurs(r, true);
    await r.power.emit('suspend');
    await expectOurs(r, false);
    assert.equal(r.p.status().state, 'suspended');
    await r.power.emit('resume');
    await expectOurs(r, true);
    const vpn: WorkstationAddress = { host: '10.8.0.5', port: 9443, secure: true };
    r.p.addressChanged(vpn);
    await expectOurs(r, true, vpn);
    await r.power.emit('shutdown');
    await expectOurs(r, false);
    r.p.jobHeld();
    r.p.start(1);
    await expectOurs(r, false);
    assert.equal(r.p.status().state, 'stopped');
    assert.deepEqual(r.events.filter((e) => e.type === 'published' || e.type === 'removed').map((e) => e.type),
      ['published', 'removed', 'published', 'published', 'removed']);
  });

  test('AtPrintTime: a stale value is cleared at start; written with the first held job; removed when none is left, at sleep and at shutdown', async () => {
    const r = await rig('AtPrintTime');
    // A value a crash left behind, under an old address.
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [OTHER, r.mine({ host: '192.0.2.77', port: 9443, secure: true })]);
    r.p.start(0);
    await expectOurs(r, false);
    assert.equal(r.p.status().state, 'removed');
    r.p.jobHeld();
    await expectOurs(r, true);
    r.p.heldJobsChanged(2);
    await expectOurs(r, true);
    r.p.heldJobsChanged(1);
    await expectOurs(r, true);
    r.p.heldJobsChanged(0);
    await expectOurs(r, false);
    r.p.jobHeld();
    await expectOurs(r, true);
    r.held.count = 1;
    await r.power.emit('suspend');
    await expectOurs(r, false);
    await r.power.emit('resume');
    await expectOurs(r, true);
    await r.power.emit('suspend');
    r.held.count = 0;
    await r.power.emit('resume');
    await expectOurs(r, false);
    r.p.jobHeld();
    await expectOurs(r, true);
    await r.p.shutdown();
    await expectOurs(r, false);
  });

  test('AtPrintTime: held jobs at start are published at once', async () => {
    const r = await rig('AtPrintTime');
    r.p.start(3);
    await expectOurs(r, true);
    await r.p.shutdown();
    await expectOurs(r, false);
  });

  test('AtStartupAndPrintTime: written at start and again at print time; an empty queue keeps it; sleep and shutdown remove it', async () => {
    const r = await rig('AtStartupAndPrintTime');
    r.p.start(0);
    await expectOurs(r, true);
    // Removed behind our back: print time writes it again.
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [OTHER]);
    r.p.jobHeld();
    await expectOurs(r, true);
    r.p.heldJobsChanged(0);
    await expectOurs(r, true);
    await r.power.emit('suspend');
    await expectOurs(r, false);
    await r.power.emit('resume');
    await expectOurs(r, true);
    await r.power.emit('shutdown');
    await expectOurs(r, false);
  });

  test('no address yet: nothing is written until one is known', async () => {
    const r = await rig('AtStartup', { address: null });
    r.p.start(0);
    await r.p.idle();
    assert.equal(r.p.status().state, 'no-address');
    assert.deepEqual(await r.values(), [OTHER]);
    r.p.addressChanged({ host: '127.0.0.1', port: 9443, secure: true });
    await r.p.idle();
    assert.equal(r.p.status().state, 'no-address', 'a loopback address is never published');
    r.p.addressChanged(HERE);
    await expectOurs(r, true);
    await r.p.shutdown();
  });

  test('logout removes the value with the password still stored, then nothing is published until sign-in', async () => {
    const r = await rig('AtStartup');
    r.p.start(0);
    await expectOurs(r, true);
    await r.p.signedOut();
    await expectOurs(r, false);
    await r.creds.delete(ACCOUNTS.alice.mail);
    r.p.jobHeld();
    await expectOurs(r, false);
    await r.creds.set(ACCOUNTS.alice.mail, { password: ACCOUNTS.alice.password });
    r.p.signedIn();
    await expectOurs(r, true);
    await r.p.shutdown();
  });
});

describe('failures', () => {
  test('directory unreachable: inputs return at once, retries back off exponentially with jitter, and it recovers', async () => {
    const r = await rig('AtPrintTime');
    await slapd.stop();
    try {
      const t0 = r.clock.now().getTime();
      const started = Date.now();
      r.p.start(1);
      r.p.jobHeld();
      r.p.heldJobsChanged(2);
      assert.ok(Date.now() - started < 50, 'inputs never wait for the directory');
      await r.p.idle();
      assert.equal(r.p.status().state, 'retrying');
      assert.equal(r.p.status().failures, 1);
      // random() = 0.5: the delay is 3/4 of the step; steps 5 s, 10 s, 20 s.
      assert.deepEqual(r.clock.timers().map((d) => d.getTime() - t0), [3750]);
      r.clock.advance(3749);
      await r.p.idle();
      assert.equal(r.p.status().failures, 1, 'no retry before the delay');
      r.clock.advance(1);
      await r.p.idle();
      assert.equal(r.p.status().failures, 2);
      assert.deepEqual(r.clock.timers().map((d) => d.getTime() - t0), [3750 + 7500]);
      r.clock.fireNext();
      await r.p.idle();
      assert.equal(r.p.status().failures, 3);
      assert.deepEqual(r.clock.timers().map((d) => d.getTime() - t0), [3750 + 7500 + 15000]);
      assert.equal(r.logs.filter((l) => l.level === 'warn').length, 1, 'the outage is logged once');
      assert.deepEqual(await r.values().catch(() => 'unreachable'), 'unreachable');
    } finally {
      await slapd.start();
    }
    r.clock.fireNext();
    await expectOurs(r, true);
    assert.equal(r.p.status().state, 'published');
    assert.equal(r.p.status().failures, 0);
    assert.deepEqual(r.clock.timers(), []);
    await r.p.shutdown();
  });

  test('sleep and shutdown never wait longer than the removal timeout, even if the directory hangs', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await rig('AtStartup', { settings: { urls: [`ldaps://127.0.0.1:${port}`], connectTimeoutMs: 3000 }, removalTimeoutMs: 200 });
      r.p.start(0);
      const t = Date.now();
      await r.p.shutdown();
      assert.ok(Date.now() - t < 1500, `shutdown took ${Date.now() - t} ms`);
      assert.equal(r.p.status().state, 'stopped');
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('wrong password: one sign-in-required event, no retry loop, and a sign-in resumes', async () => {
    const r = await rig('AtPrintTime', { password: 'an-old-password' });
    const binds = (): number => slapd.bindCount(ACCOUNTS.alice.dn);
    const before = binds();
    r.p.start(1);
    await r.p.idle();
    assert.equal(r.p.status().state, 'sign-in-required');
    assert.deepEqual(r.events.filter((e) => e.type === 'sign-in-required'),
      [{ type: 'sign-in-required', user: ACCOUNTS.alice.mail, reason: 'invalid-credentials' }]);
    assert.deepEqual(r.clock.timers(), [], 'no retry is scheduled');
    r.p.jobHeld();
    r.p.heldJobsChanged(2);
    r.clock.advance(3_600_000);
    await r.p.idle();
    assert.equal(binds() - before, 1, 'the wrong password was tried once');
    assert.equal(r.events.filter((e) => e.type === 'sign-in-required').length, 1);
    assert.ok(!JSON.stringify(r.logs).includes('an-old-password'), 'the password is never logged');
    await r.creds.set(ACCOUNTS.alice.mail, { password: ACCOUNTS.alice.password });
    r.p.signedIn();
    await expectOurs(r, true);
    await r.p.shutdown();
  });

  test('no stored password: sign-in-required when a value is wanted, silence when nothing is', async () => {
    const quiet = await rig('AtPrintTime', { password: null });
    quiet.p.start(0);
    await quiet.p.idle();
    assert.deepEqual(quiet.events.filter((e) => e.type === 'sign-in-required'), []);
    quiet.p.jobHeld();
    await quiet.p.idle();
    assert.deepEqual(quiet.events.filter((e) => e.type === 'sign-in-required'),
      [{ type: 'sign-in-required', user: ACCOUNTS.alice.mail, reason: 'no-credentials' }]);
    assert.equal(quiet.p.status().state, 'sign-in-required');
    await quiet.p.shutdown();
  });

  test('insufficient rights: an administrator error naming the attribute, the DN and the access, logged once, with a slow retry', async () => {
    const r = await rig('AtStartupAndPrintTime', { account: ACCOUNTS.carol });
    r.p.start(0);
    await r.p.idle();
    const s = r.p.status();
    assert.equal(s.state, 'admin-action-required');
    assert.equal(s.lastError?.code, 'DIRECTORY_INSUFFICIENT_ACCESS');
    assert.ok(s.adminMessage?.includes('otherLoginWorkstations'));
    assert.ok(s.adminMessage?.includes(ACCOUNTS.carol.dn));
    assert.match(s.adminMessage ?? '', /self write on otherLoginWorkstations/);
    assert.equal(r.clock.timers().length, 1);
    assert.equal(r.clock.timers()[0].getTime() - r.clock.now().getTime(), 15 * 60_000);
    r.p.jobHeld();
    await r.p.idle();
    r.clock.fireNext();
    await r.p.idle();
    assert.ok(r.p.status().failures >= 3);
    assert.equal(r.logs.filter((l) => l.level === 'error').length, 1, 'logged once per state');
    assert.equal(r.events.filter((e) => e.type === 'directory-error').length, 1);
    assert.deepEqual(await r.values(), []);
    await r.p.shutdown();
  });
});
