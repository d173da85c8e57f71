/**
 * What every browser test needs around a page: one headless Debian Chromium per file, a page with
 * CSP violations and console errors recorded, axe-core checks run from the page's own origin (so
 * the strict CSP stays on), and screenshots saved under test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = join(root, 'test-results/screenshots');

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches Debian's Chromium, trying a second time if the first launch does not come up: on a
 * 2-core CI machine busy with other test files a launch once took over 20 s and failed a whole
 * file. Both tries together stay inside vitest's 60 s hook timeout.
 */
export async function launchChromium(): Promise<Browser> {
  const launch = (timeout: number) =>
    chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, timeout });
  try {
    return await launch(25_000);
  } catch (error) {
    process.stderr.write(
      `browser-kit: Chromium did not start, trying once more: ${String(error)}\n`,
    );
    return launch(30_000);
  }
}

export interface LauncherPage {
  readonly page: Page;
  /** Console errors and CSP violations seen so far; a polished page has none. */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function openLauncher(
  browser: Browser,
  url: string,
  options: { locale?: string; reducedMotion?: 'reduce' | 'no-preference' } = {},
): Promise<LauncherPage> {
  const context = await browser.newContext({
    viewport: { width: 760, height: 720 },
    locale: options.locale ?? 'en-US',
    reducedMotion: options.reducedMotion ?? 'reduce',
    colorScheme: 'dark',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

/** Runs axe-core in the page (WCAG 2.x A/AA rules) and returns violations as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ url: '/axe.min.js' });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeRunner }).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  });
}

interface AxeRunner {
  run(
    context: Document,
    options: unknown,
  ): Promise<{
    violations: { id: string; help: string; nodes: { target: string[] }[] }[];
  }>;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * `expect.poll` with a bound that suits a shared, busy machine: the page normally updates within
 * milliseconds, but vitest's default one-second poll would fail on a slow moment, not a bug.
 */
export function eventually<T>(
  read: () => T | Promise<T>,
  options: { timeout?: number; interval?: number } = {},
) {
  return expect.poll(read, { timeout: 10_000, interval: 50, ...options });
}
