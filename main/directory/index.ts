// The directory subsystem's public surface (Serverless AD mode): see docs/directory.md.

export type {
  Clock,
  CredentialStore,
  DirectoryEvent,
  DirectorySettings,
  DirectoryState,
  DirectoryStatus,
  PowerEvent,
  PowerEvents,
  ServiceAccountVerifier,
  SignInReason,
  StartTlsPolicy,
  WorkstationAddress,
} from './types.js';
export { directorySettings, DEFAULT_ATTRIBUTE, DEFAULT_USER_FILTER, type DirectorySettingsInput } from './settings.js';
export { DirectoryError, type DirectoryErrorCode } from './errors.js';
export { formatValue, parseValue, isOwnValue, type PublishedValue } from './attribute-value.js';
export { LdapAttributeWriter, type AttributeWriter, type ApplyRequest, type ApplyOutcome } from './attribute-writer.js';
export { DirectoryPublisher, type DirectoryPublisherOptions } from './publisher.js';
export { LdapServiceAccountVerifier, type ServiceAccountVerifierOptions, type VerifyResult } from './service-account.js';
export { connectPowerEvents, ManualPowerEvents } from './power.js';
export { loadOrCreateWorkstationId } from './workstation-id.js';
export { sourceAddressToward, directoryHost, watchAddress } from './address.js';
export { verifyDirectoryPassword } from './sign-in.js';
/** The engine's shared real clock (main/util/clock.ts), under the name this surface always had. */
export { REAL_CLOCK as realClock } from '../util/clock.js';
export { KeychainCredentialStore, DIRECTORY_KEYCHAIN_SERVICE } from './keychain-credential-store.js';
