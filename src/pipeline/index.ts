// Public API of the plugin runtime: the registry of loaded plugins, the per-config-version
// lookup table, the per-request phase runner, the log queue and the in-process test harness.
export { createPluginRegistry, compareExecutionOrder, logFailure } from './registry.ts';
export type { LoadedPlugin, PluginRegistry, RegistryOptions } from './registry.ts';
export { directoryLoader, packageLoader, pluginDirectoriesFromPackagePath, definitionFromModule } from './loaders.ts';
export type { PluginLoader } from './loaders.ts';
export { buildPluginTable, emptyPluginTable, PluginEntry, PRECEDENCE_LEVELS } from './table.ts';
export type { ConfiguredPlugin, PluginTable, PluginTableOptions } from './table.ts';
export { PluginRun } from './runner.ts';
export { LogQueue } from './log-queue.ts';
export type { LogQueueOptions, QueueParameters } from './log-queue.ts';
export { createPluginHarness, pluginRow } from './harness.ts';
export type { HarnessOptions, HarnessRequest, HarnessResult, HarnessUpstream, PluginHarness } from './harness.ts';
export { IncomingRequestView } from './incoming-request.ts';
export type { IncomingRequestFacts } from './incoming-request.ts';
export { changedTables, onConfigChange, onEntityChange } from './cache-invalidation.ts';
export { availablePluginsOf, loadNodePlugins } from './node-registry.ts';
export { serializeRequest } from './log-serializer.ts';
export type { SerializedTry, SerializerInput } from './log-serializer.ts';
