/**
 * The layers the compiler enforces (tsconfig.shared/renderer/node.json, built by `tsc -b` from
 * the solution tsconfig.json): a probe file placed in a layer's folder is compiled with that
 * layer's real options, so `import 'node:fs'` in shared or renderer code and `document` in shared
 * or Node code must fail, and so must shared or renderer code importing from src/main, while the
 * layer that may do so compiles the same probe cleanly.
 * The probe is never written to disk; the compiler host serves it next to the real sources.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

const layers = {
  shared: { config: 'tsconfig.shared.json', folder: 'src/shared' },
  renderer: { config: 'tsconfig.renderer.json', folder: 'src/renderer' },
  node: { config: 'tsconfig.node.json', folder: 'src/main' },
} as const;
type Layer = keyof typeof layers;

const probes = {
  nodeImport: `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n`,
  nodeGlobal: `export const bytes = Buffer.byteLength('x');\n`,
  dom: `export const title = (): string => document.title;\n`,
  plain: `import { ok } from '../shared/result';\nexport const fine = ok(1);\n`,
  mainImport: `import { RECENT_INVITES_LIMIT } from '../main/recent-invites';\nexport const limit = RECENT_INVITES_LIMIT;\n`,
};

function parsedConfig(layer: Layer): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, layers[layer].config), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error(`cannot read ${layers[layer].config}`);
  return parsed;
}

/** Library and dependency files parse the same for every layer: parse them once. */
const sourceCache = new Map<string, ts.SourceFile | undefined>();

type ProbeName = keyof typeof probes;

/**
 * Compiles every probe as if it were `<layer folder>/layer-probe-<name>.ts`, in one program per
 * layer; returns each probe's error codes. The small layers (shared, renderer) are compiled whole,
 * as the composite projects `tsc -b` builds, so importing a file outside the layer and its
 * references fails as it does there; the Node layer compiles only the probes, to stay fast.
 */
function compileProbes(layer: Layer): Record<ProbeName, number[]> {
  const parsed = parsedConfig(layer);
  const whole = layer !== 'node';
  const compileOptions: ts.CompilerOptions = {
    ...parsed.options,
    composite: whole,
    emitDeclarationOnly: false,
    declaration: whole,
    noEmit: true,
  };
  const names = Object.keys(probes) as ProbeName[];
  const pathOf = (name: ProbeName) => join(root, layers[layer].folder, `layer-probe-${name}.ts`);
  const probeAt = new Map(names.map((name) => [pathOf(name), name]));
  const textOf = (name: ProbeName) =>
    layer === 'shared' ? probes[name].replace('../shared/', './') : probes[name];
  const host = ts.createCompilerHost(compileOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const probe = probeAt.get(resolve(fileName));
    if (probe !== undefined) return ts.createSourceFile(fileName, textOf(probe), languageVersion);
    if (!sourceCache.has(fileName))
      sourceCache.set(fileName, getSourceFile(fileName, languageVersion, ...rest));
    return sourceCache.get(fileName);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => probeAt.has(resolve(fileName)) || fileExists(fileName);
  // The layer's files and those of the layers it references (their sources stand in for the
  // declarations `tsc -b` would read), so anything else imported is "not listed".
  const listed = whole
    ? [
        ...parsed.fileNames,
        ...(parsed.projectReferences ?? []).flatMap(
          (reference) =>
            parsedConfig(
              (Object.keys(layers) as Layer[]).find(
                (other) => join(root, layers[other].config) === resolve(reference.path),
              ) ?? layer,
            ).fileNames,
        ),
      ]
    : [];
  const program = ts.createProgram({
    rootNames: [...listed, ...probeAt.keys()],
    options: compileOptions,
    host,
  });
  const codes = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    ProbeName,
    number[]
  >;
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const probe = diagnostic.file && probeAt.get(resolve(diagnostic.file.fileName));
    if (probe === undefined)
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    codes[probe].push(diagnostic.code);
  }
  return codes;
}

describe('compiler-enforced layers', () => {
  const shared = compileProbes('shared');
  const renderer = compileProbes('renderer');
  const node = compileProbes('node');

  it('rejects Node in shared code and in the renderer, accepts it in Node programs', () => {
    // 2591/2580: "Cannot find name … install type definitions for node".
    expect(shared.nodeImport).toEqual([2591]);
    expect(shared.nodeGlobal).toEqual([2591]);
    expect(renderer.nodeImport).toEqual([2591]);
    expect(renderer.nodeGlobal).toEqual([2591]);
    expect(node.nodeImport).toEqual([]);
    expect(node.nodeGlobal).toEqual([]);
  });

  it('rejects the DOM in shared code and in Node programs, accepts it in the renderer', () => {
    // 2584: "Cannot find name 'document' … include 'dom'".
    expect(shared.dom).toEqual([2584]);
    expect(node.dom).toEqual([2584]);
    expect(renderer.dom).toEqual([]);
  });

  it('keeps shared code to itself and the renderer to itself and shared code', () => {
    // 6307: "File … is not listed within the file list of project …".
    expect(shared.mainImport).toEqual([6307]);
    expect(renderer.mainImport).toEqual([6307]);
    expect(node.mainImport).toEqual([]);
  });

  it('compiles plain code importing shared code in every layer, so the failures are the layer rule', () => {
    expect(shared.plain).toEqual([]);
    expect(renderer.plain).toEqual([]);
    expect(node.plain).toEqual([]);
  });

  it('puts every source file in exactly one layer, and typecheck builds them all', () => {
    const owners = new Map<string, string[]>();
    for (const layer of Object.keys(layers) as Layer[]) {
      for (const file of parsedConfig(layer).fileNames) {
        const name = relative(root, file);
        owners.set(name, [...(owners.get(name) ?? []), layer]);
      }
    }
    const sources = ts.sys
      .readDirectory(join(root, 'src'), ['.ts'])
      .map((file) => relative(root, file));
    expect(sources.length).toBeGreaterThan(50);
    for (const source of sources) expect([source, owners.get(source)?.length]).toEqual([source, 1]);

    const solution = JSON.parse(
      readFileSync(join(root, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
    ) as {
      files: string[];
      references: { path: string }[];
    };
    expect(solution.files).toEqual([]);
    expect(solution.references.map((reference) => reference.path).sort()).toEqual(
      [
        ...Object.values(layers).map((layer) => `./${layer.config}`),
        './tsconfig.tools.json',
      ].sort(),
    );
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.typecheck).toBe('tsc -b tsconfig.json');
  });
});
