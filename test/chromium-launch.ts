/**
 * The one place that starts a headless Chromium, for the browser tests, the window bench and the
 * icon script. It takes the system's Chromium where there is one and otherwise the Chromium that
 * ships inside the `@sparticuz/chromium` npm package, so `npm ci && npm test` needs nothing but
 * Node. `RALLYPOINT_CHROMIUM` overrides the choice: `npm` forces the package's browser, a path
 * forces that binary. Japanese text is drawn with Noto Sans JP from the `@embedpdf/fonts-jp` npm
 * package, handed to Chromium through a generated fontconfig file. See docs/testing.md.
 */
import Sparticuz from '@sparticuz/chromium';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { isExecutableFile } from './host-tools';

/** Where Debian and Ubuntu put their Chromium; its presence means "use the system browser". */
export const systemChromiumPath = '/usr/bin/chromium';

/** Which browser a launch uses, and why: printed once per process so a test log says it. */
export type ChromiumChoice =
  | { readonly kind: 'system'; readonly executablePath: string; readonly why: string }
  | { readonly kind: 'npm'; readonly why: string }
  | { readonly kind: 'missing'; readonly why: string };

/**
 * Decides between the system browser and the npm one without unpacking anything:
 * `RALLYPOINT_CHROMIUM` (`npm`, or a path) wins over /usr/bin/chromium, which wins over the
 * package.
 */
export function chooseChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = isExecutableFile,
): ChromiumChoice {
  const forced = env.RALLYPOINT_CHROMIUM?.trim() ?? '';
  if (forced === 'npm') return { kind: 'npm', why: 'RALLYPOINT_CHROMIUM=npm' };
  if (forced !== '') {
    return exists(forced)
      ? { kind: 'system', executablePath: forced, why: 'RALLYPOINT_CHROMIUM' }
      : { kind: 'missing', why: `RALLYPOINT_CHROMIUM=${forced} does not exist` };
  }
  if (exists(systemChromiumPath)) {
    return { kind: 'system', executablePath: systemChromiumPath, why: 'found on this machine' };
  }
  return { kind: 'npm', why: `no ${systemChromiumPath}` };
}

/** A browser ready to start: its binary, the environment it needs and where it came from. */
export interface ChromiumInstall {
  readonly kind: 'system' | 'npm';
  readonly executablePath: string;
  readonly env: Record<string, string>;
  readonly description: string;
}

const require = createRequire(import.meta.url);

/** The folder of an installed package (its `exports` hide its package.json from `resolve`). */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  while (readPackageName(dir) !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`chromium-launch: no package.json names ${name}`);
    dir = parent;
  }
  return dir;
}

function readPackageName(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
}

function packageVersion(name: string): string {
  const file = join(packageRoot(name), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Unpacks one of the package's `.tar.br` archives into `into` with the system's tar (the package
 * exports no unpacker for the archives it only uses on Amazon Linux).
 */
function untarBrotli(archive: string, into: string): void {
  const tar = spawnSync('tar', ['-x', '--no-same-owner', '-C', into], {
    input: brotliDecompressSync(readFileSync(archive)),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  if (tar.status !== 0) {
    throw new Error(`chromium-launch: tar could not unpack ${archive}: ${String(tar.stderr)}`);
  }
}

/**
 * Unpacks the package's Chromium (about 2 s) into a folder named after its version under the
 * temp folder, once per machine: it is unpacked into a private folder first and renamed into
 * place, so vitest workers and other checkouts running at the same time never see half a binary.
 * The package also carries the NSS libraries and a Latin font the binary needs; a bare machine
 * has neither, so both are unpacked too and used from there.
 */
async function unpackNpmChromium(): Promise<{ dir: string; version: string }> {
  const version = packageVersion('@sparticuz/chromium');
  const dir = join(tmpdir(), `rallypoint-chromium-${version}`);
  const done = join(dir, 'unpacked');
  if (existsSync(done)) return { dir, version };
  const staging = mkdtempSync(`${dir}-`);
  // The package unpacks into os.tmpdir(); point that at the private folder for the duration.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await Sparticuz.executablePath();
    untarBrotli(join(packageRoot('@sparticuz/chromium'), 'bin', 'al2023.tar.br'), staging);
    writeFileSync(join(staging, 'unpacked'), `${version}\n`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another process got there first (fine), or an earlier run left an unfinished folder.
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } else rmSync(staging, { recursive: true, force: true });
  }
  return { dir, version };
}

/**
 * Writes the fontconfig file the browser reads (FONTCONFIG_FILE). The system browser keeps the
 * system's fonts and gains Noto Sans JP; the npm browser sees only the fonts that came from npm
 * (Noto Sans JP and the package's Open Sans), so it draws the same on every machine, and this
 * machine can prove what a bare one shows. `Noto Sans JP`, the name styles.css asks for, is
 * mapped onto the family name the font file carries.
 */
function writeFontConfig(kind: 'system' | 'npm', extraFontDir?: string): string {
  const japaneseDir = join(packageRoot('@embedpdf/fonts-jp'), 'fonts');
  const dir = join(tmpdir(), `rallypoint-fontconfig-${kind}`);
  mkdirSync(dir, { recursive: true });
  const lines = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    ...(kind === 'system'
      ? ['  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
      : []),
    `  <dir>${japaneseDir}</dir>`,
    ...(extraFontDir === undefined ? [] : [`  <dir>${extraFontDir}</dir>`]),
    `  <cachedir>${join(dir, 'cache')}</cachedir>`,
    '  <alias binding="same"><family>Noto Sans JP</family>',
    '    <prefer><family>Noto Sans Japanese</family></prefer></alias>',
    '</fontconfig>',
    '',
  ];
  const file = join(dir, 'fonts.conf');
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, lines.join('\n'));
  renameSync(staging, file);
  return file;
}

const installs = new Map<string, Promise<ChromiumInstall>>();

/**
 * Finds (and for the npm browser, unpacks) a Chromium, once per process and choice. Rejects
 * with the reason when RALLYPOINT_CHROMIUM names a binary that does not exist.
 */
export function installChromium(
  choice: ChromiumChoice = chooseChromium(),
): Promise<ChromiumInstall> {
  const key = JSON.stringify(choice);
  let install = installs.get(key);
  if (install === undefined) {
    install = resolveInstall(choice);
    installs.set(key, install);
  }
  return install;
}

async function resolveInstall(choice: ChromiumChoice): Promise<ChromiumInstall> {
  const baseEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  switch (choice.kind) {
    case 'missing':
      throw new Error(`chromium-launch: ${choice.why}`);
    case 'system':
      return {
        kind: 'system',
        executablePath: choice.executablePath,
        env: { ...baseEnv, FONTCONFIG_FILE: writeFontConfig('system') },
        description: `system Chromium ${choice.executablePath} (${choice.why})`,
      };
    case 'npm': {
      const { dir, version } = await unpackNpmChromium();
      const libraryPath = [join(dir, 'lib'), baseEnv.LD_LIBRARY_PATH].filter(Boolean).join(':');
      return {
        kind: 'npm',
        executablePath: join(dir, 'chromium'),
        env: {
          ...baseEnv,
          LD_LIBRARY_PATH: libraryPath,
          FONTCONFIG_FILE: writeFontConfig('npm', join(dir, 'fonts')),
        },
        description: `Chromium from @sparticuz/chromium ${version} (${choice.why})`,
      };
    }
  }
}

/**
 * Our own switches, never the package's defaults (those turn off web security and site
 * isolation, which the CSP tests exist to check). Playwright adds --headless and a fresh
 * temporary profile (--user-data-dir) to every launch, and --no-sandbox when `chromiumSandbox`
 * is false: Chromium refuses its sandbox to root, so the sandbox is kept for everyone else.
 */
export const chromiumArgs: readonly string[] = [
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

const runningAsRoot = process.getuid?.() === 0;
const told = new Set<string>();

/**
 * Starts the chosen Chromium headless, trying a second time if the first launch does not come
 * up: on a 2-core CI machine busy with other test files a launch once took over 20 s. Both tries
 * together stay inside vitest's 60 s hook timeout. `extraArgs` add to our switches, never
 * replace them.
 */
export async function launchChromium(
  options: { choice?: ChromiumChoice; extraArgs?: readonly string[] } = {},
): Promise<Browser> {
  const install = await installChromium(options.choice);
  if (!told.has(install.description)) {
    told.add(install.description);
    console.info(`chromium-launch: ${install.description}`);
  }
  const launch = (timeout: number, sandbox: boolean): Promise<Browser> => {
    const launchOptions: LaunchOptions = {
      executablePath: install.executablePath,
      args: [...chromiumArgs, ...(options.extraArgs ?? [])],
      chromiumSandbox: sandbox,
      env: install.env,
      headless: true,
      timeout,
    };
    return chromium.launch(launchOptions);
  };
  try {
    return await launch(25_000, !runningAsRoot);
  } catch (error) {
    // Some distributions forbid the user namespaces the sandbox needs; the tests do not rely on it.
    const sandbox = !runningAsRoot && !/sandbox/i.test(String(error));
    process.stderr.write(
      `chromium-launch: Chromium did not start, trying once more${sandbox ? '' : ' without its sandbox'}: ${String(error)}\n`,
    );
    return launch(30_000, sandbox);
  }
}
