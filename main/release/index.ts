// The release subsystem's public surface: see docs/release-api.md.

export { ReleaseService, type ReleaseServiceOptions, type ReleaseJobOptions, type ReleaseStatus, type DeliveryTimeouts } from './release-service.js';
export { releaseServerPlans, type ReleaseServerPlan } from './plans.js';
export { releaseControlMethods } from './control-methods.js';
export { ReleaseError, httpStatusOf, type ReleaseErrorCode } from './errors.js';
export type { BearerAuthOptions } from './bearer-auth.js';
export type { ReleaseServiceAccountVerifier } from './auth.js';
export type { PrinterTlsOptions } from './delivery-ipp.js';
export type { HttpLimits } from './server.js';
export { SavedPrinters, printersFile, type SavedPrinter } from './saved-printers.js';
export { parsePrinterUri, type PrinterTarget } from './printer-uri.js';
export { expiryOf, type SweepResult } from './lifespans.js';
export { workstationNames, TLS_FOLDER, type WorkstationNames, type ReleaseTlsMaterial } from './tls-cert.js';
export type { Clock, ReleaseEvent, ReleaseJobView, ReleaseOutcome, ReleaseSpool, Lifespans, EmptyFolderPolicy } from './types.js';
