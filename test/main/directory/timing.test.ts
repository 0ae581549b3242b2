// ADWriteOption as a table (SPEC §3), backoff bounds, and the mapping of LDAP and socket
// errors to what can fix them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, UnavailableError, UndefinedTypeError, UnwillingToPerformError } from 'ldapts';
import type { AdWriteOption } from '../../../main/config/types.js';
import { DIRECTORY_BACKOFF } from '../../../main/directory/publisher.js';
import { backoffDelay } from '../../../main/util/backoff.js';
import { classifyLdapError, DirectoryError, failureClass, signInReason } from '../../../main/directory/errors.js';
import { intentFor, type PublisherInput } from '../../../main/directory/timing.js';

describe('intent per ADWriteOption', () => {
  const inputs: Array<[string, PublisherInput]> = [
    ['start, no job', { kind: 'start', held: 0 }],
    ['start, jobs held', { kind: 'start', held: 2 }],
    ['job held', { kind: 'job-held' }],
    ['jobs left: 1', { kind: 'held-changed', held: 1 }],
    ['jobs left: 0', { kind: 'held-changed', held: 0 }],
    ['suspend', { kind: 'suspend' }],
    ['resume, no job', { kind: 'resume', held: 0 }],
    ['resume, jobs held', { kind: 'resume', held: 1 }],
    ['shutdown', { kind: 'shutdown' }],
  ];
  // [want, verify] for each input above, with the value currently wanted.
  const table: Record<AdWriteOption, Array<[boolean, boolean]>> = {
    AtStartup: [[true, true], [true, true], [true, false], [true, false], [true, false], [false, true], [true, true], [true, true], [false, true]],
    AtPrintTime: [[false, true], [true, true], [true, false], [true, false], [false, false], [false, true], [false, true], [true, true], [false, true]],
    AtStartupAndPrintTime: [[true, true], [true, true], [true, true], [true, false], [true, false], [false, true], [true, true], [true, true], [false, true]],
  };
  for (const [option, rows] of Object.entries(table) as Array<[AdWriteOption, Array<[boolean, boolean]>]>) {
    test(option, () => {
      inputs.forEach(([name, input], i) => {
        const got = intentFor(option, input, true);
        assert.deepEqual([got.want, got.verify], rows[i], `${option} / ${name}`);
      });
    });
  }

  test('AtStartup does not start publishing at print time when nothing was wanted (e.g. after logout)', () => {
    assert.equal(intentFor('AtStartup', { kind: 'job-held' }, false).want, false);
    assert.equal(intentFor('AtStartupAndPrintTime', { kind: 'held-changed', held: 0 }, false).want, false);
  });
});

describe('backoff', () => {
  test('doubles from 5 s to a 15 min cap, with the jitter in the upper half of each step', () => {
    const steps = [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 900_000, 900_000];
    steps.forEach((step, i) => {
      assert.equal(backoffDelay(i + 1, DIRECTORY_BACKOFF, () => 0), step / 2);
      assert.equal(backoffDelay(i + 1, DIRECTORY_BACKOFF, () => 1), step);
    });
    assert.equal(backoffDelay(10_000, DIRECTORY_BACKOFF, () => 2), 900_000, 'out-of-range random is clamped');
  });
});

describe('error classes', () => {
  test('LDAP result codes', () => {
    const cases: Array<[Error, string, string]> = [
      [new InvalidCredentialsError('bad'), 'DIRECTORY_INVALID_CREDENTIALS', 'sign-in'],
      [new InsufficientAccessError('no'), 'DIRECTORY_INSUFFICIENT_ACCESS', 'admin'],
      [new NoSuchObjectError('gone'), 'DIRECTORY_USER_NOT_FOUND', 'admin'],
      [new UndefinedTypeError('x'), 'DIRECTORY_ATTRIBUTE_UNAVAILABLE', 'admin'],
      [new UnavailableError('down'), 'DIRECTORY_UNREACHABLE', 'retry'],
      [new UnwillingToPerformError('no'), 'DIRECTORY_PROTOCOL', 'retry'],
    ];
    for (const [err, code, cls] of cases) {
      const d = classifyLdapError(err, 'op');
      assert.equal(d.code, code);
      assert.equal(failureClass(d.directoryCode), cls);
    }
  });

  test('socket and TLS failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(classifyLdapError(refused, 'x').code, 'DIRECTORY_UNREACHABLE');
    assert.equal(classifyLdapError(new Error('Connection timeout'), 'x').code, 'DIRECTORY_UNREACHABLE');
    const cert = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    assert.equal(classifyLdapError(cert, 'x').code, 'DIRECTORY_TLS');
    const name = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    assert.equal(classifyLdapError(name, 'x').code, 'DIRECTORY_TLS');
  });

  test("Active Directory's bind sub-codes become sign-in reasons", () => {
    const ad = (data: string): DirectoryError => classifyLdapError(
      new InvalidCredentialsError(`80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ${data}, v4563`), 'bind');
    assert.equal(signInReason(ad('52e')), 'invalid-credentials');
    assert.equal(signInReason(ad('775')), 'account-locked');
    assert.equal(signInReason(ad('532')), 'password-expired');
    assert.equal(signInReason(ad('773')), 'password-expired');
    assert.equal(signInReason(ad('533')), 'account-disabled');
    assert.equal(signInReason(new DirectoryError('DIRECTORY_NO_CREDENTIALS', 'none')), 'no-credentials');
    assert.equal(signInReason(classifyLdapError(new InvalidCredentialsError('Invalid credentials'), 'bind')), 'invalid-credentials');
  });
});
