// The one immutable, typed view of configuration.xml (SPEC §3). Built only by
// config/load.ts; every other subsystem receives it from the composition root.

export type Platform = 'win32' | 'darwin' | 'linux';

/** `false` logs only errors and critical events, `true` logs info, `debug` logs debug. */
export type LoggingLevel = false | true | 'debug';

export interface LoggerSettings {
  readonly logFilePath: string;
  readonly loggingEnabled: LoggingLevel;
}

export interface CaptureSettings {
  readonly loopbackPort: number;
  readonly printJobFileNameFormat: string;
  /** Largest job accepted, in bytes (element MaxJobSizeMiB, default 4096 MiB). */
  readonly maxJobSizeBytes: number;
  /** A connection that sends nothing for this long is dropped (IdleTimeoutSeconds, default 120). */
  readonly idleTimeoutSeconds: number;
  /** Connections served at once on this port (MaxConnections, default 64). */
  readonly maxConnections: number;
}

export interface ClientSettings {
  readonly printAndKeepLifespanHours: number;
  readonly unprintedJobsLifespanHours: number;
}

export interface ReleaseSettings {
  readonly esfListenerPort: number;
  readonly useSsl: boolean;
  /** PEM certificate (chain) of the release service; null = a self-signed one is generated. Set together with keyFile. */
  readonly certificateFile: string | null;
  /** PEM private key matching certificateFile; null exactly when certificateFile is null. */
  readonly keyFile: string | null;
  /** IPv4 or IPv6 literal the release service binds to; '::' (the default) means every interface. */
  readonly listenAddress: string;
}

/** A remote HTTP(S) server: ServerIP is a host with an optional path, no scheme. */
export interface RemoteServer {
  readonly host: string;
  /** Path prefix from ServerIP, '' or starting with '/', never ending with '/'. */
  readonly path: string;
  readonly port: number;
  readonly useSsl: boolean;
}

/** A cloud print queue server (ServerSettings of Hybrid and Cloud). */
export interface CloudServerSettings extends RemoteServer {
  /** PEM bundle of extra CAs trusted for this server (added to the system roots); null = system roots only. */
  readonly caFile: string | null;
}

/** What happens when the user named inside a job differs from the signed-in user. */
export type UserMatchPolicy = 'accept-and-record' | 'reject';

/** The OpenID Connect provider of a mode (IDPServerSettings) with PullPrint's client registration. */
export interface IdpSettings extends RemoteServer {
  /** PullPrint's public client id at the provider (default `pullprint`). */
  readonly clientId: string;
  /** Scope tokens requested, in the order written; always includes `openid`. */
  readonly scopes: readonly string[];
  /** PEM bundle of extra CAs trusted for the provider; null = system roots only. */
  readonly caFile: string | null;
  /** RFC 8707 resource indicator / audience of the JWT access tokens; null = none requested or checked. */
  readonly resource: string | null;
  readonly userMatchPolicy: UserMatchPolicy;
}

/** How to reach the directory in Serverless AD mode (ServerSettings/Directory); names match main/directory. */
export interface AdDirectorySettings {
  /** ldaps://host[:port] or ldap://host[:port], normalised (lower-case scheme and host), tried in order. */
  readonly urls: readonly string[];
  readonly baseDn: string;
  /** RFC 4515 filter containing `{user}`. */
  readonly userFilter: string;
  /** Bind name with `{user}`, or null for "search then bind". */
  readonly bindDnTemplate: string | null;
  readonly startTls: 'required' | 'none';
  readonly caFile: string | null;
  readonly connectTimeoutMs: number;
  readonly operationTimeoutMs: number;
}

export type AdWriteOption = 'AtStartup' | 'AtPrintTime' | 'AtStartupAndPrintTime';

export interface ServerlessAdMode {
  readonly kind: 'serverless-ad';
  readonly capture: CaptureSettings;
  readonly client: ClientSettings;
  readonly release: ReleaseSettings;
  readonly server: {
    readonly activeDirectoryUserProperty: string;
    readonly serviceAccountUserName: string | null;
    /** Null when the file has no ServerSettings/Directory group (the config then carries a warning). */
    readonly directory: AdDirectorySettings | null;
  };
  readonly adWrite: { readonly option: AdWriteOption };
}

export interface HybridMode {
  readonly kind: 'hybrid';
  readonly capture: CaptureSettings;
  readonly client: ClientSettings;
  readonly release: ReleaseSettings;
  readonly server: CloudServerSettings;
  readonly apiVersion: string;
  readonly idp: IdpSettings;
}

export interface CloudMode {
  readonly kind: 'cloud';
  readonly capture: CaptureSettings;
  readonly server: CloudServerSettings;
  readonly apiVersion: string;
  readonly idp: IdpSettings;
}

/**
 * The embedded default of SPEC §2: no configuration file at all. Jobs are held locally
 * for the OS user (capture on 9167, release service on 9443), no cloud, no directory.
 */
export interface LocalMode {
  readonly kind: 'local';
  readonly capture: CaptureSettings;
  readonly client: ClientSettings;
  readonly release: ReleaseSettings;
}

export type Mode = ServerlessAdMode | HybridMode | CloudMode | LocalMode;
export type ModeKind = Mode['kind'];

export type IntervalMode = 'Minutes' | 'Hourly' | 'Daily' | 'Weekly';

/** A time of day from an HHMM element. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
}

export interface TrackerSettings {
  /** True when the DeleteJobTrackerSettings section is in the file. */
  readonly present: boolean;
  readonly trackDeletedJob: boolean;
  readonly sendImmediately: boolean;
  readonly intervalMode: IntervalMode;
  readonly sendInterval: {
    readonly minutes: number | null;
    readonly daily: readonly TimeOfDay[];
    readonly weekly: { readonly days: readonly number[]; readonly hours: readonly TimeOfDay[] };
  };
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly ssl: boolean;
    /** PEM bundle of extra CAs trusted for the report server when ssl; null = system roots only. */
    readonly caFile: string | null;
  };
  readonly siteName: string | null;
}

/** Where a value came from, for `pullprint config print`. */
export interface ValueSource {
  readonly from: 'default' | 'file';
  readonly line?: number;
  readonly column?: number;
}

export interface Paths {
  /** The configuration file that was read, or null for the embedded default. */
  readonly configFile: string | null;
  readonly dataDir: string;
}

export interface Config {
  readonly platform: Platform;
  readonly paths: Paths;
  readonly logger: LoggerSettings;
  /** Enabled modes, in a stable order (serverless-ad, hybrid, cloud) or the single local mode. */
  readonly modes: readonly Mode[];
  readonly tracker: TrackerSettings;
  readonly lateBinding: { readonly enabled: boolean };
  readonly deleteEmptyUserFolders: { readonly enabled: boolean; readonly lifespanDays: number };
  readonly displayNotifications: boolean;
  readonly defaultPrintQueue: string;
  /** Element path (e.g. `LPMServerSettings/CaptureSettings/LoopbackPort`) → where its value came from. */
  readonly sources: Readonly<Record<string, ValueSource>>;
  /** Non-fatal findings (unknown elements, accepted aliases), each naming the element and line. */
  readonly warnings: readonly string[];
}
