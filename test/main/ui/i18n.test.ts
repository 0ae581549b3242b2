import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../../main/ui/i18n/catalog-en.js';
import { fr } from '../../../main/ui/i18n/catalog-fr.js';
import { resolveLocale, translator } from '../../../main/ui/i18n/translate.js';
import { IdentityError, type IdentityErrorCode } from '../../../main/identity/errors.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  test('French has every English key, the same placeholders, and is really translated', () => {
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
    let same = 0;
    for (const [k, v] of Object.entries(en)) {
      const f = fr[k as keyof typeof en];
      assert.deepEqual(placeholders(f), placeholders(v), k);
      assert.ok(f.trim() !== '', k);
      if (f === v) same += 1;
    }
    assert.ok(same < 10, `${same} French strings equal the English ones`);
  });

  test('every identity error code has its own message in both languages', () => {
    const codes: IdentityErrorCode[] = ['WRONG_PASSWORD', 'UNKNOWN_USER', 'IDP_UNREACHABLE', 'TLS_FAILURE', 'REFRESH_EXPIRED', 'REFRESH_REVOKED',
      'CLOCK_SKEW', 'KEYCHAIN_UNAVAILABLE', 'SSO_TIMEOUT', 'SSO_CANCELLED', 'SIGN_IN_CANCELLED', 'SIGN_IN_REQUIRED', 'PASSWORD_NOT_SUPPORTED',
      'IDP_CONFIGURATION', 'IDP_PROTOCOL', 'CA_FILE_UNREADABLE'];
    for (const code of codes) {
      assert.equal(new IdentityError(code, 'x').code, code);
      for (const tr of [translator('en'), translator('fr')]) {
        const m = tr.error(code, 'raw');
        assert.notEqual(m, tr.t('error.unknown', { message: 'raw' }), `${tr.locale} ${code}`);
      }
    }
    assert.equal(translator('en').error('SOMETHING_NEW', 'disk on fire'), 'Something went wrong: disk on fire');
    assert.equal(translator('fr').error('SOMETHING_NEW', 'disk on fire'), 'Une erreur s\'est produite : disk on fire');
  });

  test('locale: first supported language among the preferred ones, else English', () => {
    assert.equal(resolveLocale(['fr-CA', 'en-US']), 'fr');
    assert.equal(resolveLocale(['de-DE', 'fr_FR']), 'fr');
    assert.equal(resolveLocale(['FR']), 'fr');
    assert.equal(resolveLocale(['de-DE', 'it']), 'en');
    assert.equal(resolveLocale([]), 'en');
    assert.equal(resolveLocale([null, undefined, '', ' ']), 'en');
    assert.equal(resolveLocale(['french']), 'en');
  });

  test('plurals follow each language (French 0 and 1 are singular) and placeholders fill', () => {
    const e = translator('en');
    const f = translator('fr');
    assert.equal(e.plural('jobs.count', 0), '0 held jobs');
    assert.equal(e.plural('jobs.count', 1), '1 held job');
    assert.equal(f.plural('jobs.count', 0), '0 travail en attente');
    assert.equal(f.plural('jobs.count', 1), '1 travail en attente');
    assert.equal(f.plural('jobs.count', 2), '2 travaux en attente');
    assert.equal(e.t('tray.status.signedInAs', { user: 'a@b' }), 'Signed in as a@b');
    assert.equal(e.t('tray.status.signedInAs'), 'Signed in as {user}', 'a missing parameter stays visible');
  });
});
