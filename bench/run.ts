/**
 * `npm run bench`: runs every `bench/*-bench.ts` module in turn. Each module exports a default
 * async function that measures its subject next to a baseline in the same process and prints
 * ratios, so the numbers mean something on any machine.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((name) => name.endsWith('-bench.ts'))
  .filter((name) => !only || name.includes(only))
  .sort();

for (const file of files) {
  console.log(`\n# ${file}`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as {
    default: () => Promise<void>;
  };
  await module.default();
}
