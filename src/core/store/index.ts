/**
 * Persistence: the {@link Store} interface and its two implementations.
 * @module
 */
export { DATABASE_FILE_NAME, defaultDataDir } from './data-dir.js';
export { MEMORY_STORE_DEFAULTS, MemoryStore, type MemoryStoreOptions } from './memory.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { SCHEMA_VERSION } from './sqlite-schema.js';
export type * from './types.js';
