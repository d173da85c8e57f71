/**
 * Cost of redrawing the launcher window on every join view push, in headless Chromium, as a ratio
 * against the cheapest possible DOM update (one text change plus layout) in the same page; and a
 * leak check: the JS heap and DOM node count after many pushes against after a warm-up (both
 * ratios should stay near 1: countdown timers, listeners and old panels must not pile up).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/chromium-launch';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface BenchApi {
  windowUpdates(n: number): number;
  floorUpdates(n: number): number;
  nodeCount(): number;
}

export default async function windowRenderBench(): Promise<void> {
  const bundle = await build({
    entryPoints: [join(root, 'bench/window-render-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const css = readFileSync(join(root, 'src/renderer/styles.css'), 'utf8');
  const browser = await launchChromium({ extraArgs: ['--js-flags=--expose-gc'] });
  try {
    const page = await browser.newPage({ viewport: { width: 760, height: 720 } });
    await page.setContent(
      '<!doctype html><html lang="en"><body><div id="app"></div></body></html>',
    );
    await page.addStyleTag({ content: css });
    await page.addScriptTag({ content: script });
    const cdp = await page.context().newCDPSession(page);
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const run = (name: 'windowUpdates' | 'floorUpdates', n: number) =>
      page.evaluate(([fn, count]) => (window as unknown as { bench: BenchApi }).bench[fn](count), [
        name,
        n,
      ] as const);
    const nodes = () =>
      page.evaluate(() => (window as unknown as { bench: BenchApi }).bench.nodeCount());

    // Warm up both paths, then take the median of several rounds.
    await run('windowUpdates', 400);
    await run('floorUpdates', 400);
    const heapBefore = await heap();
    const nodesBefore = await nodes();
    const rounds = 7;
    const per = 1_000;
    const windowTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      windowTimes.push((await run('windowUpdates', per)) / per);
      floorTimes.push((await run('floorUpdates', per)) / per);
    }
    // Leave the page on the same view it was on when the baseline heap was taken.
    const heapAfter = await heap();
    const nodesAfter = await nodes();
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const windowMs = median(windowTimes);
    const floorMs = median(floorTimes);
    console.log(`view pushes measured: ${rounds * per} (8-view cycle incl. retry countdown)`);
    console.log(`window redraw per push:  ${(windowMs * 1000).toFixed(1)} µs`);
    console.log(`floor (1 text + layout): ${(floorMs * 1000).toFixed(1)} µs`);
    console.log(`ratio window / floor:    ${(windowMs / floorMs).toFixed(1)}×`);
    console.log(
      `heap after / before ${rounds * per} pushes: ${(heapAfter / heapBefore).toFixed(2)} (${(heapBefore / 1024).toFixed(0)} KB → ${(heapAfter / 1024).toFixed(0)} KB)`,
    );
    console.log(`DOM nodes after / before: ${nodesAfter} / ${nodesBefore}`);
  } finally {
    await browser.close();
  }
}
