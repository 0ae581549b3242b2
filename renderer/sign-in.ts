// The sign-in dialog: e-mail and password, or the organisation's own sign-in page in the
// system browser (SSO). Errors appear inline in an assertive live region, translated
// from their code; the field to fix is marked invalid and focused. The shell closes the
// window once the sign-in succeeds.

import type { SignInRequest } from '../main/ui/ipc-contract.js';
import { asCallError, bridge } from './bridge.js';
import { localisePage } from './page-i18n.js';

const tr = localisePage();
const api = bridge();

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('form');
const email = $<HTMLInputElement>('email');
const password = $<HTMLInputElement>('password');
const errorBox = $<HTMLDivElement>('error');
const statusBox = $<HTMLParagraphElement>('status');
const controls = [email, password, $<HTMLButtonElement>('submit'), $<HTMLButtonElement>('sso')];

function busy(on: boolean): void {
  for (const c of controls) c.disabled = on;
  form.setAttribute('aria-busy', String(on));
  statusBox.textContent = on ? tr.t('signIn.working') : '';
}

function markInvalid(fields: HTMLInputElement[]): void {
  for (const f of [email, password]) {
    const bad = fields.includes(f);
    f.setAttribute('aria-invalid', String(bad));
    if (bad) f.setAttribute('aria-describedby', 'error');
    else f.removeAttribute('aria-describedby');
  }
}

function showError(code: string, message: string): void {
  errorBox.textContent = tr.error(code, message);
  // Put the person where the fix is: the password after a wrong one, the address for an unknown account.
  const fields = code === 'WRONG_PASSWORD' ? [password] : code === 'UNKNOWN_USER' ? [email] : [];
  markInvalid(fields);
  const target = fields[0];
  if (target) {
    target.focus();
    target.select();
  }
}

async function attempt(request: SignInRequest): Promise<void> {
  errorBox.textContent = '';
  busy(true);
  try {
    await api.signIn(request);
    markInvalid([]);
    for (const c of controls) c.disabled = true;
    statusBox.textContent = tr.t('signIn.success');
    password.value = '';
  } catch (err) {
    busy(false);
    const e = asCallError(err);
    showError(e.code, e.message);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const address = email.value.trim();
  if (address === '' || password.value === '') {
    errorBox.textContent = tr.t('signIn.missing');
    markInvalid([address === '' ? email : password]);
    (address === '' ? email : password).focus();
    return;
  }
  void attempt({ email: address, password: password.value });
});

$<HTMLButtonElement>('sso').addEventListener('click', () => {
  void attempt({ sso: true });
});

const cancel = (): void => window.close();
$<HTMLButtonElement>('cancel').addEventListener('click', cancel);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') cancel();
});

// A session that needs renewing suggests the known address.
void api.getState().then((s) => {
  if (s.session.user && email.value === '') {
    email.value = s.session.user;
    password.focus();
  }
}).catch(() => undefined);
