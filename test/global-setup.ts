/**
 * Builds dist/ once so tests that start the real programs as child processes run what ships, and
 * unpacks the npm Chromium once (when there is no system one) before the workers start.
 */
import { buildAll } from '../scripts/build';
import { chooseChromium, installChromium } from './chromium-launch';

export default async function setup(): Promise<void> {
  const choice = chooseChromium();
  await Promise.all([buildAll(), choice.kind === 'npm' ? installChromium(choice) : undefined]);
}
