// Writes or removes this workstation's value in the user's multi-valued attribute, as the
// user. Only value-level changes: our stale values are deleted and our value added in one
// modify (atomic on the server), other values are never touched and the attribute is
// never replaced, so workstations publishing for the same user cannot undo each other.
// Idempotent: a value already there is not added again, a value already gone counts as
// removed, and a concurrent change between our read and our modify is re-read and retried.

import { Attribute, Change, ResultCodeError, type Client, type Entry } from 'ldapts';
import type { Logger } from '../log/types.js';
import { isOwnValue } from './attribute-value.js';
import { openSession } from './connection.js';
import { DirectoryError, classifyLdapError } from './errors.js';
import type { DirectorySettings } from './types.js';

export interface ApplyRequest {
  readonly user: string;
  readonly password: string;
  readonly workstationId: string;
  /** Our value as it should be in the attribute, or null for none of ours. */
  readonly value: string | null;
}

export interface ApplyOutcome {
  readonly dn: string;
  readonly url: string;
  /** Whether the modify changed anything. */
  readonly changed: boolean;
  /** Our values that were deleted (stale addresses, or the value on removal). */
  readonly deleted: readonly string[];
  readonly added: string | null;
  /** This machine's address on the connection to the directory. */
  readonly localAddress: string | null;
}

/** The publisher's port to the directory (the LDAP implementation below). */
export interface AttributeWriter {
  apply(req: ApplyRequest): Promise<ApplyOutcome>;
}

const MAX_ATTEMPTS = 4;

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function valuesOf(entry: Entry | undefined, attribute: string): string[] {
  if (!entry) return [];
  const hit = Object.entries(entry).find(([k]) => k.toLowerCase() === attribute.toLowerCase());
  if (!hit) return [];
  const v = hit[1];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

export function insufficientAccessMessage(attribute: string, dn: string, detail: string): string {
  return `The directory refused to change ${attribute} on ${dn} (insufficient access, LDAP 50: ${detail}). ` +
    `An administrator must grant users self write on ${attribute} (read and write ${attribute} for SELF on user objects; see docs/directory.md).`;
}

export function attributeUnavailableMessage(attribute: string, dn: string, detail: string): string {
  return `The directory cannot store ${attribute} on ${dn} (${detail}). ` +
    `Check that ${attribute} exists in the schema, is allowed on user objects and is multi-valued, or configure another ActiveDirectoryUserProperty.`;
}

export class LdapAttributeWriter implements AttributeWriter {
  readonly #settings: DirectorySettings;
  readonly #log: Logger;

  constructor(settings: DirectorySettings, log: Logger) {
    this.#settings = settings;
    this.#log = log;
  }

  async apply(req: ApplyRequest): Promise<ApplyOutcome> {
    const session = await openSession(this.#settings, req.user, req.password, this.#log);
    try {
      return await this.#applyOn(session.client, session.dn, req, session.url, session.localAddress);
    } finally {
      await session.close();
    }
  }

  async #read(client: Client, dn: string): Promise<string[]> {
    const attribute = this.#settings.attribute;
    try {
      const r = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [attribute] });
      return valuesOf(r.searchEntries[0], attribute);
    } catch (e) {
      throw classifyLdapError(e, `read ${attribute} of ${dn}`);
    }
  }

  async #applyOn(client: Client, dn: string, req: ApplyRequest, url: string, localAddress: string | null): Promise<ApplyOutcome> {
    const attribute = this.#settings.attribute;
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.#read(client, dn);
      const stale = current.filter((v) => isOwnValue(v, req.workstationId) && !(req.value !== null && same(v, req.value)));
      const add = req.value !== null && !current.some((v) => same(v, req.value as string)) ? req.value : null;
      if (stale.length === 0 && add === null) return { dn, url, changed: false, deleted: [], added: null, localAddress };
      const changes: Change[] = [];
      if (stale.length > 0) changes.push(new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: stale }) }));
      if (add !== null) changes.push(new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [add] }) }));
      try {
        await client.modify(dn, changes);
        this.#log.debug('directory attribute updated', { dn, attribute, deleted: stale.length, added: add !== null });
        return { dn, url, changed: true, deleted: stale, added: add, localAddress };
      } catch (e) {
        if (e instanceof ResultCodeError && e.code === 50) {
          throw new DirectoryError('DIRECTORY_INSUFFICIENT_ACCESS', insufficientAccessMessage(attribute, dn, e.message), { ldapCode: 50 });
        }
        if (e instanceof ResultCodeError && [17, 18, 19, 21, 65].includes(e.code)) {
          throw new DirectoryError('DIRECTORY_ATTRIBUTE_UNAVAILABLE', attributeUnavailableMessage(attribute, dn, `${e.message}, LDAP ${e.code}`), { ldapCode: e.code });
        }
        // 20 (value exists) / 16 (no such value): the attribute changed since we read it,
        // or we cannot read it. A lone add or a lone delete has then already happened.
        if (e instanceof ResultCodeError && (e.code === 20 || e.code === 16)) {
          if (e.code === 20 && stale.length === 0) return { dn, url, changed: false, deleted: [], added: null, localAddress };
          if (e.code === 16 && add === null) return { dn, url, changed: false, deleted: [], added: null, localAddress };
          if (attempt < MAX_ATTEMPTS) continue;
        }
        throw classifyLdapError(e, `modify ${attribute} of ${dn}`);
      }
    }
  }
}
