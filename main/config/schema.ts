// The shape of configuration.xml: which elements exist where, which may repeat, and
// which misspellings from the administrator's guide are accepted as aliases. Values are
// typed and defaulted in build-config.ts; this file only knows names and nesting.

export type SchemaNode = LeafSpec | GroupSpec | IgnoredSpec;

export interface LeafSpec {
  readonly kind: 'leaf';
  /** Only Daily, Day and Hour may appear more than once. */
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
const release = group({ EsfListenerPort: leaf, UseSSL: leaf }, { EsListenerPort: 'EsfListenerPort' });
const remote = group({ ServerIP: leaf, ServerPort: leaf, UseSSL: leaf });

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
    ServerSettings: group({ ActiveDirectoryUserProperty: leaf, ServiceAccountUserName: leaf }, { ServiceAccountUsername: 'ServiceAccountUserName' }),
    ADWriteSettings: group({ ADWriteOption: leaf }),
  }),
  [SECTION_HYBRID]: group({
    CaptureSettings: capture,
    ClientSettings: client,
    ReleaseSettings: release,
    ServerSettings: remote,
    ServerAPISettings: group({ APIVersion: leaf, IDPServerSettings: remote }),
  }),
  [SECTION_CLOUD]: group({
    CaptureSettings: capture,
    // Both guide samples carry an empty ClientSettings here; Cloud jobs are not held.
    ClientSettings: { kind: 'ignored', why: 'Cloud jobs are uploaded at once, never held on the workstation, so lifespans do not apply' },
    ServerSettings: remote,
    IDPServerSettings: remote,
    APIVersion: leaf,
  }),
  [SECTION_TRACKER]: group({
    TrackDeletedJob: leaf,
    SendImmediately: leaf,
    IntervalMode: leaf,
    SendInterval: group({ Minutes: leaf, Daily: repeated, Weekly: group({ Day: repeated, Hour: repeated }) }),
    ServerSettings: group({ ServerIP: leaf, ServerPort: leaf, ServerSSL: leaf }),
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
