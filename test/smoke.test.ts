import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PullPrintError, errorCode } from '../main/util/errors.js';

test('typed errors carry a stable code', () => {
  assert.equal(errorCode(new PullPrintError('X_Y', 'm')), 'X_Y');
  assert.equal(errorCode(new Error('plain')), 'UNKNOWN');
});
