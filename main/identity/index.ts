// The identity subsystem's public surface (ARCHITECTURE.md: one small surface per subsystem).

export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export { IdentityError, isIdentityError, SIGN_IN_AGAIN_CODES, type IdentityErrorCode } from './errors.js';
export { CA_OPTION_NAME } from './classify.js';
export { interactiveSignIn, type InteractiveSignInOptions } from './flows.js';
export { IdpClient, IdpConnector, type IdentityProviderPort, type IdpClientDeps } from './idp-client.js';
export { Keychain, KeytarVault, KEYCHAIN_SERVICE, type KeytarVaultOptions } from './keytar-vault.js';
export { LogoutJournal, LOGOUT_PENDING_DIR } from './logout-journal.js';
export { logout, resumePendingLogouts, type LogoutDeps, type LogoutResult } from './logout.js';
export { openInSystemBrowser } from './open-url.js';
export type { OpenUrl } from './pkce-flow.js';
export { TerminalPrompter, type SignInAnswer, type SignInPrompter, type SignInRequest } from './prompter.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export {
  normalizeUser,
  Sessions,
  type SessionInfo,
  type SessionLogoutResult,
  type SessionsDeps,
  type SessionState,
  type SessionStateEvent,
  type SignInRequiredEvent,
  type SignInResult,
} from './sessions.js';
export { DEFAULT_SCOPES, identitySettingsFor, issuerUrlOf, resolveIdentitySettings, type IdentitySettings } from './settings.js';
export { InMemoryVault, type StoredTokens, type TokenVault } from './token-vault.js';
export { checkJobUser, DEFAULT_USER_MATCH_POLICY, sameUser, type JobUserCheck, type UserMatchPolicy } from './user-match.js';
