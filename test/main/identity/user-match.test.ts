// Job user matching: who owns a job and when a mismatch is refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkJobUser, DEFAULT_USER_MATCH_POLICY, sameUser } from '../../../main/identity/user-match.js';

describe('sameUser', () => {
  const cases: Array<[string, string, boolean]> = [
    ['alice@example.com', 'alice@example.com', true],
    ['alice@example.com', 'ALICE@Example.COM', true],
    ['alice@example.com', 'alice', true],
    ['alice@example.com', ' Alice ', true],
    ['alice@example.com', 'CORP\\alice', true],
    ['alice@example.com', 'corp\\ALICE', true],
    ['alice@example.com', 'alice@other.example', false],
    ['alice@example.com', 'bob', false],
    ['alice@example.com', 'alice.smith', false],
    ['alice@example.com', 'ali', false],
    ['alice@example.com', '', false],
    ['alice', 'alice@example.com', true],
  ];
  for (const [a, b, want] of cases) {
    test(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => assert.equal(sameUser(a, b), want));
  }
});

describe('checkJobUser', () => {
  test('the default is accept-and-record', () => assert.equal(DEFAULT_USER_MATCH_POLICY, 'accept-and-record'));

  test('matching names are accepted under both policies, owner = the signed-in user (lower case)', () => {
    for (const policy of ['reject', 'accept-and-record'] as const) {
      assert.deepEqual(checkJobUser(policy, 'Alice@Example.com', 'alice'), { accepted: true, owner: 'alice@example.com', mismatch: false });
    }
  });

  test('no declared user: accepted, no mismatch', () => {
    assert.deepEqual(checkJobUser('reject', 'alice@example.com', null), { accepted: true, owner: 'alice@example.com', mismatch: false });
    assert.deepEqual(checkJobUser('reject', 'alice@example.com', '  '), { accepted: true, owner: 'alice@example.com', mismatch: false });
  });

  test('a mismatch is refused under reject, accepted and flagged under accept-and-record; the owner never follows the job', () => {
    assert.deepEqual(checkJobUser('reject', 'alice@example.com', 'mallory'), { accepted: false, owner: 'alice@example.com', mismatch: true });
    assert.deepEqual(checkJobUser('accept-and-record', 'alice@example.com', 'mallory'), { accepted: true, owner: 'alice@example.com', mismatch: true });
  });
});
