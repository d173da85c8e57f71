/**
 * What every browser test needs around a page: one headless Chromium per file (the system's or
 * the npm package's, see ../chromium-launch.ts), a page with CSP violations and console errors
 * recorded, axe-core checks run from the page's own origin (so the strict CSP stays on), the
 * fonts Chromium really drew a node's text with, and screenshots saved under
 * test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../chromium-launch';

export { launchChromium };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = join(root, 'test-results/screenshots');

export interface LauncherPage {
  readonly page: Page;
  /** Console errors and CSP violations seen so far; a polished page has none. */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface BrowserSuite {
  /** The file's Chromium (launched before its first test). */
  browser(): Browser;
  /** Closes what a test opened (a page, a host, a backend, a directory) after it, newest first. */
  onCleanup(close: () => Promise<unknown>): void;
}

/**
 * One Chromium for the test file, and after each test everything it opened closed in reverse
 * order, even when the test failed, so one scenario's servers never leak into the next.
 */
export function useBrowserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups = [];
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    browser() {
      if (browser === undefined) throw new Error('Chromium is not running yet (beforeAll)');
      return browser;
    },
    onCleanup: (close) => void cleanups.push(close),
  };
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

/** One font Chromium drew part of a node's text with, as its DevTools protocol reports it. */
export interface DrawnFont {
  readonly familyName: string;
  readonly postScriptName: string;
  readonly glyphCount: number;
}

/**
 * The fonts Chromium actually used for the text of the first node matching `selector`. A
 * character no installed font has is drawn as a box by the first font tried, so Japanese text
 * drawn only with a Latin font means boxes on the screenshot.
 */
export async function drawnFonts(page: Page, selector: string): Promise<DrawnFont[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map(({ familyName, postScriptName, glyphCount }) => ({
      familyName,
      postScriptName,
      glyphCount,
    }));
  } finally {
    await cdp.detach();
  }
}

/** Families that carry Japanese glyphs: the npm package's Noto Sans JP, or a system CJK font. */
const japaneseFamily = /Japanese|\bJP\b|CJK|IPA|Gothic|Mincho|Hiragino/i;

/**
 * Checks that the Japanese text at `selector` was drawn with a Japanese font and prints which
 * one on one line, so a screenshot of boxes can never pass unnoticed.
 */
export async function expectJapaneseFont(page: Page, selector: string): Promise<void> {
  const fonts = await drawnFonts(page, selector);
  const names = fonts.map((font) => `${font.familyName} (${font.glyphCount} glyphs)`).join(', ');
  console.info(`browser-kit: Japanese text at ${selector} drawn with ${names}`);
  expect(
    fonts.filter((font) => japaneseFamily.test(font.familyName)),
    `no Japanese font among ${names}`,
  ).not.toEqual([]);
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
