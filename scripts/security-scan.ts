/**
 * Runs Doyensec's electronegativity over the Electron code (main and preload sources, and the
 * built main, preload and renderer bundles) and fails on any HIGH-severity finding, or on a file
 * it could not parse (an unscanned file is not a clean file). Every finding of every severity is
 * written to test-results/electronegativity.json for review; the console gets a short summary.
 *
 * Run with `npm run security` (which builds dist/ first). Checks switched off, and why:
 * - AvailableSecurityFixesGlobalCheck downloads Electron's release list from the network, which
 *   CI does not have; keeping Electron current is the dependency updates' job, not a code scan's.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What electronegativity's runner returns when not run as a CLI. */
interface ScanIssue {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly severity: { readonly name: string; readonly value: number };
  readonly confidence: { readonly name: string; readonly value: number };
  readonly description: string;
  readonly manualReview?: boolean;
}
interface ScanResult {
  readonly issues: readonly ScanIssue[];
  readonly errors: readonly {
    readonly file: string;
    readonly message: string;
    readonly tolerable?: boolean;
  }[];
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

/**
 * What is scanned, as two trees so the tool's global checks (navigation limits, permission
 * handler, CSP) see main, preload and page together as the app they form: the Electron sources,
 * and the built bundles. electronegativity reads only .js/.ts/.html files, so the CommonJS
 * bundles (.cjs) are staged under a .js name; nothing is scanned where it cannot be read.
 */
export const scanTrees = {
  sources: ['src/main', 'src/preload', 'src/renderer', 'src/shared'],
  bundles: ['dist/main', 'dist/preload', 'dist/renderer'],
} as const;

export const excludedChecks = ['AvailableSecurityFixesGlobalCheck'] as const;

export interface Finding {
  readonly target: string;
  readonly check: string;
  readonly severity: string;
  readonly confidence: string;
  readonly file: string;
  readonly line: number;
  readonly description: string;
}

export interface SecurityReport {
  readonly electronVersion: string;
  readonly excludedChecks: readonly string[];
  readonly findings: readonly Finding[];
  readonly parseErrors: readonly { readonly file: string; readonly message: string }[];
  readonly missingTargets: readonly string[];
  readonly high: number;
}

function electronVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('electron/package.json') as { version: string }).version;
}

/** Scans every target and returns the whole report. */
export async function scan(): Promise<SecurityReport> {
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity') as Runner;
  const version = electronVersion();
  const stage = mkdtempSync(join(tmpdir(), 'rallypoint-security-'));
  const findings: Finding[] = [];
  const parseErrors: { file: string; message: string }[] = [];
  const missingTargets: string[] = [];
  try {
    for (const [tree, folders] of Object.entries(scanTrees)) {
      const input = join(stage, tree);
      for (const folder of folders) {
        const from = join(root, folder);
        if (!existsSync(from)) {
          missingTargets.push(folder);
          continue;
        }
        stageFolder(from, join(input, folder));
      }
      if (!existsSync(input)) continue;
      const result = await run(
        {
          input,
          isSarif: false,
          customScan: [],
          excludeFromScan: excludedChecks.map((check) => check.toLowerCase()),
          isRelative: true,
          isVerbose: false,
          electronVersionOverride: version,
          parserPlugins: [],
        },
        false,
      );
      for (const issue of result.issues) {
        findings.push({
          target: tree,
          check: issue.id,
          severity: issue.severity.name,
          confidence: issue.confidence.name,
          file: issue.file.replace(/\.staged\.js$/, '.cjs'),
          line: issue.location.line,
          description: issue.description,
        });
      }
      for (const error of result.errors) {
        if (!error.tolerable) {
          parseErrors.push({ file: relative(input, error.file), message: error.message });
        }
      }
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return {
    electronVersion: version,
    excludedChecks,
    findings,
    parseErrors,
    missingTargets,
    high: findings.filter((finding) => finding.severity === 'HIGH').length,
  };
}

/** Copies a folder for scanning, renaming .cjs to .staged.js and leaving source maps out. */
function stageFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      stageFolder(source, join(to, entry.name));
    } else if (/\.c?js$/.test(entry.name) && from.includes(`${sep}dist${sep}`)) {
      // The scanner's parser predates class private fields (`#x`), which the bundles keep for
      // Node 22/Chromium; lowering the syntax for the scan changes no call the checks look at.
      const lowered = transformSync(readFileSync(source, 'utf8'), {
        loader: 'js',
        target: 'es2020',
        sourcefile: entry.name,
      });
      writeFileSync(join(to, entry.name.replace(/\.cjs$/, '.staged.js')), lowered.code);
    } else if (!entry.name.endsWith('.map')) {
      copyFileSync(source, join(to, entry.name));
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await scan();
  const out = join(root, 'test-results', 'electronegativity.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  const bySeverity = new Map<string, number>();
  for (const finding of report.findings) {
    bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
  }
  for (const finding of report.findings) {
    console.log(`${finding.severity.padEnd(13)} ${finding.check} ${finding.file}:${finding.line}`);
  }
  const summary = [...bySeverity].map(([severity, count]) => `${count} ${severity}`).join(', ');
  console.log(
    `electronegativity (Electron ${report.electronVersion}): ${summary || 'no findings'}; report: ${relative(root, out)}`,
  );
  for (const target of report.missingTargets) console.error(`not scanned (missing): ${target}`);
  for (const error of report.parseErrors)
    console.error(`could not parse ${error.file}: ${error.message}`);
  const failed =
    report.high > 0 || report.parseErrors.length > 0 || report.missingTargets.length > 0;
  if (failed)
    console.error('security scan FAILED: HIGH findings, unparsed files or missing targets');
  process.exitCode = failed ? 1 : 0;
}
