import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';
import { describeStoreContract } from './store-contract.test-suite.js';
import type { Store } from './types.js';

const root = mkdtempSync(join(tmpdir(), 'agent-tether-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const paths = new WeakMap<Store, string>();

describeStoreContract('MemoryStore', () => new MemoryStore());

describeStoreContract(
  'SqliteStore',
  () => {
    const dir = join(root, `s${++counter}`);
    const store = SqliteStore.open(dir);
    paths.set(store, dir);
    return store;
  },
  {
    reopen: (store) => {
      const dir = paths.get(store)!;
      store.close();
      const again = SqliteStore.open(dir);
      paths.set(again, dir);
      return again;
    },
  },
);
