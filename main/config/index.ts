// The configuration subsystem's public surface.
export { ConfigError, formatIssue, type ConfigErrorCode, type ConfigIssue } from './config-error.js';
export { describeConfig, type ConfigEntry, type ConfigValue } from './describe.js';
export { currentPlatform, loadConfig, MAX_CONFIG_BYTES, type LoadConfigOptions } from './load.js';
export { defaultConfig, parseConfig, type ParseOptions } from './parse-config.js';
export { CONFIG_ENV, DATA_DIR_ENV, resolvePaths, type PathInputs, type PathOrigin, type ResolvedPaths } from './paths.js';
export { queueNameOf } from './queue-names.js';
