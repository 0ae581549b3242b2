// The cloud subsystem's public surface: the API client, the durable outbox, the token
// port and the notification wording (ARCHITECTURE.md: one small surface per subsystem).

export { CloudClient, type CloudClientOptions, type UploadResult } from './api-client.js';
export { API_VERSION, type Capabilities, type CloudJob, type JobMetadata, type Registration } from './wire.js';
export { clientApiVersion, parseApiVersion, type ApiVersion } from './api-version.js';
export { cloudBaseUrl } from './base-url.js';
export { CloudError, isCloudError, type CloudErrorCode, type CloudErrorKind } from './errors.js';
export { DEFAULT_TIMEOUTS, readCloudCaFile, type CloudTimeouts } from './http.js';
export { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.js';
export { systemOutboxClock, type OutboxClock, type TimerHandle } from './clock.js';
export { CloudOutbox, type CloudOutboxOptions, type OutboxSnapshot } from './outbox.js';
export type { CloudApi, CloudSpool } from './outbox-context.js';
export type { CloudOperation, CloudOutboxEvent, CloudOutboxEventOf, CloudOutboxEventType } from './outbox-events.js';
export { OUTBOX_DIR, type FailureNote, type HybridMarker } from './outbox-store.js';
export { sessionsTokenProvider, type AccessTokenProvider, type SessionsLike } from './token-port.js';
export { notificationFor, type CloudNotification } from './notifications.js';
export { hybridReleaseUrl, type ReleaseEndpoint } from './release-url.js';
