// The tray's one current session from the identity subsystem's real Sessions (tokens in
// an in-memory vault; state changes driven through Sessions' own API).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentityError } from '../../../main/identity/errors.js';
import { Sessions } from '../../../main/identity/sessions.js';
import { InMemoryVault } from '../../../main/identity/token-vault.js';
import { sessionSourceOf } from '../../../main/ui/session-source.js';

const noIdp = async (): Promise<never> => {
  throw new IdentityError('IDP_UNREACHABLE', 'no provider in this test');
};

describe('session source', () => {
  test('nobody known → signed out; a user needing sign-in becomes current; changes are announced', async () => {
    const sessions = new Sessions({ idp: noIdp, vault: new InMemoryVault() });
    const source = sessionSourceOf(sessions);
    assert.deepEqual(source.current(), { user: null, state: 'signed-out' });
    let changes = 0;
    const off = source.onChange(() => {
      changes += 1;
    });
    sessions.requireSignIn('Alice@Example.com');
    assert.deepEqual(source.current(), { user: 'alice@example.com', state: 'sign-in-required' });
    assert.equal(changes, 1);
    off();
    sessions.requireSignIn('bob@example.com');
    assert.equal(changes, 1, 'unsubscribed');
  });

  test('tokens already in the keychain at start: that user is signed in', async () => {
    const vault = new InMemoryVault();
    await vault.set('carol@example.com', { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 600_000 });
    const sessions = new Sessions({ idp: noIdp, vault });
    await sessions.init();
    const source = sessionSourceOf(sessions);
    assert.deepEqual(source.current(), { user: 'carol@example.com', state: 'signed-in' });
    await sessions.logout('carol@example.com');
    assert.deepEqual(source.current(), { user: null, state: 'signed-out' });
  });
});
