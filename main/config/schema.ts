// The shape of configuration.xml: which elements exist where, which may repeat, and
// which misspellings from the administrator's guide are accepted as aliases. Values are
// typed and defaulted in build-config.ts; this file only knows names and nesting.

export type SchemaNode = LeafSpec | GroupSpec | IgnoredSpec;

export interface LeafSpec {
  readonly kind: 'leaf';
  /** Only Daily, Day, Hour and Directory/URL may appear more than once. */
  readonly repeat?: boolean;
}

export interface GroupSpec {
  readonly kind: 'group';
  readonly children: Readonly<Record<string, SchemaNode>>;
  /** Names written in the guide's own samples or tables, accepted with a warning. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** Accepted for compatibility with the guide's samples, but it configures nothing. */
export interface IgnoredSpec {
  readonly kind: 'ignored';
  readonly why: string;
}

const leaf: LeafSpec = { kind: 'leaf' };
const repeated: LeafSpec = { kind: 'leaf', repeat: true };
const group = (children: Record<string, SchemaNode>, aliases?: Record<string, string>): GroupSpec =>
  aliases ? { kind: 'group', children, aliases } : { kind: 'group', children };

// MaxJobSizeMiB, IdleTimeoutSeconds and MaxConnections are PullPrint additions.
const capture = group({ LoopbackPort: leaf, PrintJobFileNameFormat: leaf, MaxJobSizeMiB: leaf, IdleTimeoutSeconds: leaf, MaxConnections: leaf });
const client = group({ PrintAndKeepLifespan: leaf, UnprintedJobsLifespan: leaf });
// The Windows table of the guide spells it EsListenerPort; its samples say EsfListenerPort.
// CertificateFile, KeyFile and ListenAddress are PullPrint additions.
const release = group(
  { EsfListenerPort: leaf, UseSSL: leaf, CertificateFile: leaf, KeyFile: leaf, ListenAddress: leaf },
  { EsListenerPort: 'EsfListenerPort' },
);
// CAFile (both), ClientId, Scopes, Resource and UserMatchPolicy are PullPrint additions.
const server = group({ ServerIP: leaf, ServerPort: leaf, UseSSL: leaf, CAFile: leaf });
const idp = group({
  ServerIP: leaf, ServerPort: leaf, UseSSL: leaf, ClientId: leaf, Scopes: leaf, CAFile: leaf, Resource: leaf, UserMatchPolicy: leaf,
});
// PullPrint's own: how to reach the directory in Serverless AD mode (docs/directory.md).
const directory = group({
  URL: repeated, BaseDN: leaf, UserFilter: leaf, BindDNTemplate: leaf, StartTLS: leaf, CAFile: leaf,
  ConnectTimeoutSeconds: leaf, OperationTimeoutSeconds: leaf,
});

export const SECTION_AD = 'LPMServerlessADSettings';
export const SECTION_HYBRID = 'LPMServerlessSettings';
export const SECTION_CLOUD = 'LPMServerSettings';
export const SECTION_TRACKER = 'DeleteJobTrackerSettings';

export const CONFIG_SCHEMA: GroupSpec = group({
  Logger: group({ LogFilePath: leaf, LoggingEnabled: leaf }),
  [SECTION_AD]: group({
    CaptureSettings: capture,
    ClientSettings: client,
    ReleaseSettings: release,
    // The guide's macOS sample writes ServiceAccountUsername; its tables ServiceAccountUserName.
    ServerSettings: group(
      { ActiveDirectoryUserProperty: leaf, ServiceAccountUserName: leaf, Directory: directory },
      { ServiceAccountUsername: 'ServiceAccountUserName' },
    ),
    ADWriteSettings: group({ ADWriteOption: leaf }),
  }),
  [SECTION_HYBRID]: group({
    CaptureSettings: capture,
    ClientSettings: client,
    ReleaseSettings: release,
    ServerSettings: server,
    ServerAPISettings: group({ APIVersion: leaf, IDPServerSettings: idp }),
  }),
  [SECTION_CLOUD]: group({
    CaptureSettings: capture,
    // Both guide samples carry an empty ClientSettings here; Cloud jobs are not held.
    ClientSettings: { kind: 'ignored', why: 'Cloud jobs are uploaded at once, never held on the workstation, so lifespans do not apply' },
    ServerSettings: server,
    IDPServerSettings: idp,
    APIVersion: leaf,
  }),
  [SECTION_TRACKER]: group({
    TrackDeletedJob: leaf,
    SendImmediately: leaf,
    IntervalMode: leaf,
    SendInterval: group({ Minutes: leaf, Daily: repeated, Weekly: group({ Day: repeated, Hour: repeated }) }),
    // CAFile is a PullPrint addition.
    ServerSettings: group({ ServerIP: leaf, ServerPort: leaf, ServerSSL: leaf, CAFile: leaf }),
    OtherSettings: group({ SiteName: leaf }),
  }),
  LateBindingSettings: group({ LateBindingEnabled: leaf }),
  DeleteEmptyUserFolderSetting: group({ DeleteEmptyUserFolders: leaf, DeleteEmptyUserFoldersLifespan: leaf }),
  DisplayNotifications: leaf,
  DefaultPrintQueue: group({ DefaultQueue: leaf }),
}, {
  // The Windows sample closes DeleteEmptyUserFolderSetting with </DeleteEmptyFolderSetting>:
  // a file written consistently with that shorter name is accepted too.
  DeleteEmptyFolderSetting: 'DeleteEmptyUserFolderSetting',
});

export const ROOT_NAME = 'Configuration';

/** Every leaf element path in the schema, e.g. `Logger/LogFilePath`. */
export function leafPaths(node: SchemaNode = CONFIG_SCHEMA, prefix = ''): string[] {
  if (node.kind !== 'group') return node.kind === 'leaf' ? [prefix] : [];
  return Object.entries(node.children).flatMap(([name, child]) => leafPaths(child, prefix ? `${prefix}/${name}` : name));
}

/** Parent paths (`''` for the root) under which an element of this name is valid. */
export function placesOf(name: string, node: GroupSpec = CONFIG_SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  for (const [child, spec] of Object.entries(node.children)) {
    if (child === name) out.push(prefix);
    if (spec.kind === 'group') out.push(...placesOf(name, spec, prefix ? `${prefix}/${child}` : child));
  }
  return out;
}
