/**
 * `node:util`'s `parseArgs` as a result: it throws on an unknown flag or a flag without its value,
 * and every command's parser turns that into the usage error it prints, so the catch lives here
 * once.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { err, ok, type Result } from '../shared/result';

/** The flags and positionals `config` describes, or parseArgs's message for what it refused. */
export function parseFlags<T extends ParseArgsConfig>(
  config: T,
): Result<ReturnType<typeof parseArgs<T>>, string> {
  try {
    return ok(parseArgs(config));
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
}
