/**
 * The launcher's `User-Agent`, `Rallypoint/<version>`, on every request it makes (directory,
 * identity services, presence), so a directory's logs can tell launchers and their versions apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let version: string | undefined;

/**
 * The launcher version: defined at build time by scripts/build.ts; when running from source,
 * read once from the package.json in the working directory; else `0.0.0-dev`.
 */
function rallypointVersion(): string {
  if (version !== undefined) return version;
  const defined = process.env.RALLYPOINT_VERSION;
  if (typeof defined === 'string' && defined !== '') return (version = defined);
  // Stryker disable BlockStatement: an emptied catch block falls through to the development version as well
  try {
    // Stryker disable next-line StringLiteral: without an encoding JSON.parse reads the Buffer as UTF-8 too
    const manifest: unknown = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
    if (
      // Stryker disable next-line ConditionalExpression,LogicalOperator: `in` throws on null and on a non-object, and the catch gives the development version
      typeof manifest === 'object' &&
      // Stryker disable next-line ConditionalExpression: `in` throws on null and on a non-object, and the catch gives the development version
      manifest !== null &&
      // Stryker disable next-line ConditionalExpression: a missing name reads as undefined, which is not 'rallypoint' either
      'name' in manifest &&
      manifest.name === 'rallypoint' &&
      // Stryker disable next-line ConditionalExpression: a missing version reads as undefined, which is not a string either
      'version' in manifest &&
      typeof manifest.version === 'string'
    ) {
      return (version = manifest.version);
    }
  } catch {
    // Not running from the repository: fall through to the development version.
  }
  // Stryker restore BlockStatement
  return (version = '0.0.0-dev');
}

/** `Rallypoint/<version>`, sent on every request so a directory's logs can tell launchers apart. */
export function rallypointUserAgent(): string {
  return `Rallypoint/${rallypointVersion()}`;
}
