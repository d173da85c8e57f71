/**
 * Renders the application icon from its source, build/icon.svg, into every file electron-builder
 * reads, so `npm run dist` never has to download its icon-conversion tools:
 * - build/icon.png, 1024 px (the master bitmap),
 * - build/icons/<size>x<size>.png, the Linux icon set used as is by the deb and the AppImage,
 * - build/icon.ico (Windows executable and installer) and build/icon.icns (macOS), both made
 *   from the master bitmap by png2icons.
 *
 * The PNG sizes are drawn from the vector source by Chromium rather than scaled down from one
 * bitmap, so small Linux icons stay sharp. The outputs are committed; run this again after
 * editing the SVG:
 *   tsx scripts/render-icons.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BICUBIC, createICNS, createICO } from 'png2icons';
import { launchChromium } from '../test/chromium-launch';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');

/** The sizes desktop environments ask for, per the freedesktop icon theme spec's common set. */
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512] as const;
/** electron-builder wants at least 512 px for macOS and 256 px for Windows; 1024 covers both. */
export const mainIconSize = 1024;

async function renderIcons(): Promise<string[]> {
  const svg = readFileSync(join(buildDir, 'icon.svg'), 'utf8');
  const browser = await launchChromium();
  const written: string[] = [];
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const targets: Array<[number, string]> = [
      [mainIconSize, join(buildDir, 'icon.png')],
      ...linuxIconSizes.map((size): [number, string] => [
        size,
        join(buildDir, 'icons', `${size}x${size}.png`),
      ]),
    ];
    mkdirSync(join(buildDir, 'icons'), { recursive: true });
    for (const [size, file] of targets) {
      await page.setViewportSize({ width: size, height: size });
      const sized = svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
      );
      const png = await page.screenshot({
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
      writeFileSync(file, png);
      written.push(file);
    }
  } finally {
    await browser.close();
  }
  written.push(...writeContainers(readFileSync(join(buildDir, 'icon.png'))));
  return written;
}

/** The .ico and .icns containers, from the 1024 px master. */
function writeContainers(master: Buffer): string[] {
  // Lossless (0 colours = all); forWinExe keeps sizes under 64 px as bitmaps, which every Windows
  // version shows in the file properties dialog.
  const ico = createICO(master, BICUBIC, 0, false, true);
  const icns = createICNS(master, BICUBIC, 0);
  if (!ico || !icns) throw new Error('png2icons could not convert build/icon.png');
  const files = [join(buildDir, 'icon.ico'), join(buildDir, 'icon.icns')];
  writeFileSync(files[0] ?? '', ico);
  writeFileSync(files[1] ?? '', icns);
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await renderIcons();
  console.log(`rendered ${files.length} icons into build/`);
}
