/** Builds dist/ once so tests that start the real programs as child processes run what ships. */
import { buildAll } from '../scripts/build';

export default async function setup(): Promise<void> {
  await buildAll();
}
