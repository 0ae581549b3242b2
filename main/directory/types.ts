// The directory subsystem's settings and ports (Serverless AD mode). The configuration
// file names only the attribute, the service account and ADWriteOption (SPEC §3); how to
// reach the directory is ours to define, as DirectorySettings, which the configuration
// loader builds from the ServerSettings/Directory* elements (docs/directory.md).

import type { AdWriteOption } from '../config/types.js';

/** How a plain ldap:// URL is secured. ldaps:// URLs are TLS from the first byte either way. */
export type StartTlsPolicy = 'required' | 'none';

export interface DirectorySettings {
  /** Tried in order until one answers: ldaps://host[:port] or ldap://host[:port]. */
  readonly urls: readonly string[];
  /** Where users are searched for (and the service account, unless a template names its DN). */
  readonly baseDn: string;
  /** RFC 4515 filter; every `{user}` is replaced by the escaped sign-in name. */
  readonly userFilter: string;
  /**
   * When set, the bind name is this template with `{user}` substituted (RFC 4514-escaped
   * when the template is a DN): `uid={user},ou=people,dc=example,dc=com`, or `{user}` /
   * `CORP\{user}` for Active Directory, which accepts UPNs and down-level names. When
   * absent, PullPrint searches anonymously for the user's DN first ("search then bind").
   */
  readonly bindDnTemplate: string | null;
  /** StartTLS on ldap:// URLs: 'required' (default) or 'none' (explicitly allowed plain LDAP). */
  readonly startTls: StartTlsPolicy;
  /** PEM file of the certificate authorities trusted for the directory; null = the system store. */
  readonly caFile: string | null;
  readonly connectTimeoutMs: number;
  readonly operationTimeoutMs: number;
  /** The user attribute the workstation address is published in (ActiveDirectoryUserProperty). */
  readonly attribute: string;
}

/** Where printers reach this workstation's release service. */
export interface WorkstationAddress {
  /** An IPv4 or IPv6 address (no zone) or a DNS name. */
  readonly host: string;
  /** EsfListenerPort. */
  readonly port: number;
  /** ReleaseSettings/UseSSL. */
  readonly secure: boolean;
}

/** The directory's clock port: the engine's one clock port (main/util/clock.ts). */
export type { Clock } from '../util/clock.js';

/**
 * The user's directory password between runs. The engine's implementation is the OS
 * keychain (keytar, its own service name); there is no file-backed one. Read at each
 * directory operation and never kept by the directory subsystem.
 */
export interface CredentialStore {
  get(user: string): Promise<{ password: string } | null>;
  set(user: string, credential: { password: string }): Promise<void>;
  delete(user: string): Promise<void>;
}

export type PowerEvent = 'suspend' | 'resume' | 'shutdown';

/** Implemented by the Electron shell (powerMonitor) and by the CLI (SIGTERM/SIGINT → shutdown). */
export interface PowerEvents {
  /** Subscribes; returns the unsubscribe function. A listener may return a promise the source should await (best effort). */
  on(event: PowerEvent, fn: () => void | Promise<void>): () => void;
}

/** The release service's check of the credentials a printer presents. */
export interface ServiceAccountVerifier {
  /** True only for ServiceAccountUserName with its right password; `peer` is for logs. */
  verify(username: string, password: string, peer: string): Promise<boolean>;
}

export type DirectoryState =
  /** Not started, or nothing to do yet. */
  | 'idle'
  /** An operation is running. */
  | 'working'
  /** Our value is in the directory. */
  | 'published'
  /** Our value is not in the directory. */
  | 'removed'
  /** The directory could not be reached; a retry is scheduled. */
  | 'retrying'
  /** No stored password, or the directory refused it: the user must sign in again. */
  | 'sign-in-required'
  /** The directory refused something only an administrator can fix (rights, schema, user not found). */
  | 'admin-action-required'
  /** No workstation address known yet. */
  | 'no-address'
  /** Suspended (sleep); resumes with resume(). */
  | 'suspended'
  | 'stopped';

export interface DirectoryStatus {
  readonly state: DirectoryState;
  readonly option: AdWriteOption;
  readonly user: string;
  readonly attribute: string;
  /** Whether the option and the job count currently want our value published. */
  readonly wanted: boolean;
  /** Our value as last written and confirmed, or null. */
  readonly value: string | null;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  /** For admin-action-required: what to delegate, naming the attribute, the DN and the access. */
  readonly adminMessage: string | null;
  readonly nextRetryAt: string | null;
  /** Consecutive failed attempts. */
  readonly failures: number;
}

export type SignInReason = 'no-credentials' | 'invalid-credentials' | 'account-locked' | 'password-expired' | 'account-disabled';

export type DirectoryEvent =
  | { readonly type: 'sign-in-required'; readonly user: string; readonly reason: SignInReason }
  | { readonly type: 'published'; readonly user: string; readonly value: string }
  | { readonly type: 'removed'; readonly user: string }
  | { readonly type: 'directory-error'; readonly user: string; readonly code: string; readonly message: string; readonly admin: boolean }
  | { readonly type: 'status'; readonly status: DirectoryStatus };
