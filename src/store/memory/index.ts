export { createMemoryStore } from './memory-store.ts';
export type { MemoryStoreOptions } from './memory-store.ts';
export type { ForeignKeyRelation, OnDelete, RelationSource } from './relations.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeOffset, encodeOffset, validatePageSize } from './paging.ts';
