import { createRequire } from 'node:module';

const requireHere = createRequire(__filename);

/**
 * A CommonJS package loaded on first use instead of at start-up. For large packages only some processes or
 * some requests need (the Zeebe client: only with WORKFLOW_ENGINE=zeebe; spreadsheet and font libraries: only
 * for exports and signatures): each costs every HTTP worker 10–45 MB of memory from the moment it is imported.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
