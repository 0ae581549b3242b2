// The terminal sign-in prompter: line input for scripts, no-echo raw input on a TTY.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { IdentityError } from '../../../main/identity/errors.js';
import { TerminalPrompter } from '../../../main/identity/prompter.js';

function sink(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  return { stream, text: () => out };
}

function fakeTty(): PassThrough & { isTTY: boolean; setRawMode(raw: boolean): void; modes: boolean[] } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode(raw: boolean): void; modes: boolean[] };
  s.isTTY = true;
  s.modes = [];
  s.setRawMode = (raw: boolean) => {
    s.modes.push(raw);
  };
  return s;
}

describe('TerminalPrompter, stdin not a terminal (scripts)', () => {
  test('reads "email\\npassword", then the next pair, then end of input cancels', async () => {
    const input = new PassThrough();
    const out = sink();
    const p = new TerminalPrompter({ input, output: out.stream });
    input.end('alice@example.com\nfirst-pass\r\n\nsecond pass with spaces\n');
    assert.deepEqual(await p.promptCredentials({ reason: 'r' }), { email: 'alice@example.com', password: 'first-pass' });
    assert.deepEqual(await p.promptCredentials({ reason: 'r', email: 'bob@example.com' }), { email: 'bob@example.com', password: 'second pass with spaces' });
    assert.equal(await p.promptCredentials({ reason: 'r' }), null);
    assert.equal(out.text(), '', 'nothing is printed for scripts');
  });

  test('input arriving in pieces; a last line without newline counts', async () => {
    const input = new PassThrough();
    const p = new TerminalPrompter({ input, output: sink().stream });
    const answer = p.promptCredentials({ reason: 'r' });
    input.write('ali');
    input.write('ce@example.com\npa');
    setTimeout(() => input.end('ss'), 10);
    assert.deepEqual(await answer, { email: 'alice@example.com', password: 'pass' });
  });

  test('an empty e-mail with no suggestion, or an empty password, cancels', async () => {
    const a = new PassThrough();
    a.end('\nx\n');
    assert.equal(await new TerminalPrompter({ input: a, output: sink().stream }).promptCredentials({ reason: 'r' }), null);
    const b = new PassThrough();
    b.end('alice@example.com\n\n');
    assert.equal(await new TerminalPrompter({ input: b, output: sink().stream }).promptCredentials({ reason: 'r' }), null);
  });
});

describe('TerminalPrompter on a terminal', () => {
  test('the password is read in raw mode and never echoed; backspace edits', async () => {
    const input = fakeTty();
    const out = sink();
    const p = new TerminalPrompter({ input, output: out.stream });
    const answer = p.promptCredentials({ reason: 'a job is waiting', email: 'alice@example.com', error: new IdentityError('WRONG_PASSWORD', 'The e-mail address or the password is not correct.') });
    input.write('\n'); // keep the suggested address
    await new Promise((r) => setTimeout(r, 10));
    for (const ch of ['s', 'e', 'c', 'x', '\u007f', 'r', 'e', 't', '!', '\r']) input.write(ch);
    assert.deepEqual(await answer, { email: 'alice@example.com', password: 'secret!' });
    assert.deepEqual(input.modes, [true, false], 'raw mode on for the password, then off');
    const shown = out.text();
    assert.match(shown, /a job is waiting/);
    assert.match(shown, /not correct/);
    assert.match(shown, /E-mail address \[alice@example.com\]: /);
    assert.match(shown, /Password: /);
    for (const leaked of ['secret', 'secx', 'cret']) assert.ok(!shown.includes(leaked), `output shows ${leaked}`);
  });

  test('Ctrl-C at the password cancels and restores the terminal', async () => {
    const input = fakeTty();
    const p = new TerminalPrompter({ input, output: sink().stream });
    const answer = p.promptCredentials({ reason: 'r' });
    input.write('bob@example.com\n');
    await new Promise((r) => setTimeout(r, 10));
    input.write('abc\u0003');
    assert.equal(await answer, null);
    assert.deepEqual(input.modes, [true, false]);
  });
});
