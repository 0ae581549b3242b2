import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../../main/core/engine.js';
import type { JobRecord, JobState } from '../../../main/spool/types.js';
import { translator } from '../../../main/ui/i18n/translate.js';
import { expiryNotices, noticeForEvent } from '../../../main/ui/notifications.js';

const en = translator('en');
const fr = translator('fr');
const ON = { allowedByAdministrator: true, wantedByUser: true };
const OFFS = [
  { allowedByAdministrator: false, wantedByUser: true },
  { allowedByAdministrator: true, wantedByUser: false },
  { allowedByAdministrator: false, wantedByUser: false },
];

function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: '0b6a2f4e-3c1d-4f7a-9a55-2d1f0e9c8b7a', seq: 1, owner: 'alice@example.com', declaredUser: null, mode: 'hybrid',
    title: 'Budget 2025.xlsx', protocol: 'lpd', pdl: 'postscript', pages: 2, color: false, duplex: false, copies: 1, size: 1000,
    sha256: '0'.repeat(64), state: 'held', receivedAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T10:00:00.000Z',
    file: '/tmp/x.prn', protocolMeta: {} as JobRecord['protocolMeta'], pdlFacts: {} as JobRecord['pdlFacts'], ...over,
  };
}
const transition = (to: JobState, from: JobState, over: Partial<JobRecord> = {}): EngineEvent => ({ type: 'job-state', job: job({ state: to, ...over }), previous: from });

describe('notification decisions', () => {
  test('submitted → "Print job sent" naming the document, click opens the jobs', () => {
    const n = noticeForEvent(transition('submitted', 'uploading', { mode: 'cloud' }), ON, en);
    assert.deepEqual(n, {
      kind: 'submitted', jobId: job().id, title: 'Print job sent',
      body: '"Budget 2025.xlsx" is in your print queue. Release it at any printer.', action: 'open-jobs',
    });
  });

  test('failed → "not sent"; French', () => {
    assert.equal(noticeForEvent(transition('failed', 'uploading'), ON, en)?.title, 'Print job not sent');
    const n = noticeForEvent(transition('failed', 'uploading'), ON, fr);
    assert.equal(n?.title, 'Travail d\'impression non envoyé');
    assert.equal(n?.body, '« Budget 2025.xlsx » n\'a pas pu être envoyé. PullPrint le conserve et réessaiera.');
  });

  test('waiting for sign-in: on the transition and on a job stored directly in that state; click signs in', () => {
    assert.equal(noticeForEvent(transition('waiting-for-sign-in', 'queued'), ON, en)?.action, 'sign-in');
    const stored = noticeForEvent({ type: 'job-stored', job: job({ state: 'waiting-for-sign-in', title: null }) }, ON, en);
    assert.equal(stored?.kind, 'waiting-for-sign-in');
    assert.equal(stored?.body, '"Untitled document" waits until you sign in to PullPrint.');
  });

  test('no notice for ordinary transitions and other events', () => {
    const quiet: EngineEvent[] = [
      transition('held', 'stored'),
      transition('uploading', 'queued'),
      transition('released-kept', 'held'),
      transition('submitted', 'submitted'),
      { type: 'job-stored', job: job() },
      { type: 'job-deleted', job: job(), reason: 'user-deleted' },
      { type: 'status', status: 'running' },
      { type: 'error', code: 'DISK_FULL', message: 'x' },
    ];
    for (const e of quiet) assert.equal(noticeForEvent(e, ON, en), null, JSON.stringify(e).slice(0, 60));
  });

  test('nothing at all when notifications are off (administrator or user)', () => {
    for (const off of OFFS) {
      assert.equal(noticeForEvent(transition('submitted', 'uploading'), off, en), null);
      assert.equal(noticeForEvent(transition('failed', 'uploading'), off, en), null);
      assert.equal(noticeForEvent(transition('waiting-for-sign-in', 'queued'), off, en), null);
    }
  });

  test('a very long title is cut', () => {
    const n = noticeForEvent(transition('submitted', 'uploading', { title: 'x'.repeat(300) }), ON, en);
    assert.ok((n?.body.length ?? 0) < 200);
    assert.match(n?.body ?? '', /x…"/);
  });

  describe('about to expire', () => {
    const lifespans = { hybrid: { printAndKeepLifespanHours: 48, unprintedJobsLifespanHours: 24 } };
    const received = Date.parse('2025-03-01T10:00:00.000Z');
    const at = (hours: number): Date => new Date(received + hours * 3_600_000);
    const formatTime = (d: Date): string => d.toISOString().slice(11, 16);
    const base = { jobs: [job()], lifespans, formatTime };

    test('warned once within the hour before the deletion, with the deletion time', () => {
      assert.deepEqual(expiryNotices({ ...base, now: at(22.9), alreadyWarned: new Set() }, ON, en), []);
      const [n] = expiryNotices({ ...base, now: at(23.5), alreadyWarned: new Set() }, ON, en);
      assert.equal(n.kind, 'expiring');
      assert.equal(n.body, '"Budget 2025.xlsx" will be deleted at 10:00 unless you print it.');
      assert.deepEqual(expiryNotices({ ...base, now: at(23.5), alreadyWarned: new Set([job().id]) }, ON, en), []);
      assert.deepEqual(expiryNotices({ ...base, now: at(24.1), alreadyWarned: new Set() }, ON, en), [], 'already past: the sweep deletes it');
    });

    test('printed-and-kept jobs count from their last update with PrintAndKeepLifespan', () => {
      const kept = job({ state: 'released-kept', updatedAt: at(10).toISOString() });
      assert.equal(expiryNotices({ ...base, jobs: [kept], now: at(57.5), alreadyWarned: new Set() }, ON, en).length, 1);
      assert.equal(expiryNotices({ ...base, jobs: [kept], now: at(23.5), alreadyWarned: new Set() }, ON, en).length, 0);
    });

    test('jobs of a mode without lifespans (Cloud), in other states, or with notifications off: none', () => {
      assert.deepEqual(expiryNotices({ ...base, jobs: [job({ mode: 'cloud' })], now: at(23.5), alreadyWarned: new Set() }, ON, en), []);
      assert.deepEqual(expiryNotices({ ...base, jobs: [job({ state: 'queued' })], now: at(23.5), alreadyWarned: new Set() }, ON, en), []);
      for (const off of OFFS) assert.deepEqual(expiryNotices({ ...base, now: at(23.5), alreadyWarned: new Set() }, off, en), []);
    });
  });
});
