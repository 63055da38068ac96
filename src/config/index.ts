// Public API of the settings module.
export type { DatabaseKind, ListenAddress, Settings } from './types.ts';
export { SettingsError } from './errors.ts';
export { loadSettings } from './load.ts';
export type { LoadSettingsOptions } from './load.ts';
export { settingsForDisplay, writeResolvedEnv, formatResolvedEnv } from './display.ts';
export { parseConfText, stripComment } from './conf-file.ts';
export { parseListen } from './listen.ts';
export { parseDuration, parseSize } from './values.ts';
export { isKnownProperty, isSensitive } from './properties.ts';
export { DEFAULT_CONF_PATHS, DEFAULT_DATABASE, DEFAULT_PREFIX } from './defaults.ts';
export { kongEnvPath, pidFilePath } from './prefix.ts';
