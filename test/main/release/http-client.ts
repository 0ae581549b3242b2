// Raw clients for the release API tests: exact request bytes over TLS (paths are sent as
// written, never normalised by a URL parser), and tokens from the real OpenID provider.
import { connect, type TLSSocket } from 'node:tls';
import { Agent, fetch } from 'undici';
import { CLIENT_ID, RESOURCE, type TestIdp } from '../../peers/oidc-provider.js';

export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends `head` (and body) as-is over TLS and reads until the server closes or the answer is complete. */
export function rawHttps(port: number, ca: string, head: string, body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const s: TLSSocket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      s.write(head + body);
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => s.destroy(new Error('raw request timed out')), 10_000);
    const finish = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, head: end < 0 ? text : text.slice(0, end), body: end < 0 ? '' : text.slice(end + 4) });
    };
    s.on('data', (b: Buffer) => {
      chunks.push(b);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const len = /content-length: *(\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && len && text.length >= end + 4 + Number(len[1])) {
        s.end();
        finish();
      }
    });
    s.on('end', finish);
    s.on('error', (e) => {
      clearTimeout(timer);
      if (chunks.length > 0) finish();
      else reject(e);
    });
  });
}

/** An access token for `email` by the password grant (a JWT for RESOURCE). */
export async function accessToken(idp: TestIdp, email: string, password: string): Promise<string> {
  const agent = new Agent({ connect: { ca: idp.pki.caPem } });
  try {
    const res = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: CLIENT_ID, username: email, password, scope: 'openid print', resource: RESOURCE }).toString(),
      dispatcher: agent,
    });
    const json = (await res.json()) as { access_token?: string; error?: string };
    if (!json.access_token) throw new Error(`no access token: ${JSON.stringify(json)}`);
    return json.access_token;
  } finally {
    await agent.close();
  }
}
