// Declarative configuration (kong.yml ⇄ entity sets): load, export, report.
export { loadDeclarative } from './load.ts';
export type { DeclarativeConfig, LoadDeclarativeOptions } from './load.ts';
export { emptyEntitySet, exportDeclarative, flattenEntities } from './export.ts';
export { formatDeclarativeErrors } from './report.ts';
export { EMPTY_CONFIG_HASH, md5Hex } from './parse.ts';
export { DECLARATIVE_ROOT_NAMESPACE } from './ids.ts';
export type { FlattenedError } from './flatten-errors.ts';
