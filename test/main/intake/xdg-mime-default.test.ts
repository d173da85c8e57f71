/**
 * `runXdgMimeDefault` against stand-in `xdg-mime` programs (small shell scripts in a temporary
 * folder): which program runs, with which arguments and environment, and how each way of failing
 * is reported. The run with the real `xdg-mime` is in protocol-registration.test.ts.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runXdgMimeDefault } from '../../../src/main/intake/xdg-mime-default';
import { useTemporaryDirectory } from './temporary-directory';

const directory = useTemporaryDirectory();

/** Writes an executable `/bin/sh` script named `name` into the test's folder; returns its path. */
async function standIn(name: string, body: string): Promise<string> {
  const script = path.join(directory(), name);
  await writeFile(script, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return script;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('runXdgMimeDefault', () => {
  it('reports a missing program as not-installed', async () => {
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: path.join(directory(), 'no-such-xdg-mime'),
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'not-installed',
      detail: 'xdg-mime was not found',
    });
  });

  it('reports a failing program as failed, with its first line of stderr', async () => {
    const script = await standIn('xdg-mime', 'echo "xdg-mime: cannot write" >&2\nexit 4');
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: script,
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'exit 4: xdg-mime: cannot write',
    });
  });

  it('a failure report skips blank lines and spaces before the first line of stderr', async () => {
    const script = await standIn(
      'xdg-mime',
      'printf "\\n   first problem\\nsecond problem\\n" >&2\nexit 3',
    );
    expect(await runXdgMimeDefault('x.desktop', [], { command: script })).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'exit 3: first problem',
    });
  });

  it('reports a program that does not finish in time as timed-out', async () => {
    // Two seconds: far past the 200 ms it is given, and well inside the 10 s default, so the run
    // proves the given timeout is the one applied.
    const script = await standIn('xdg-mime', 'exec sleep 2');
    const outcome = await runXdgMimeDefault('x.desktop', ['x-scheme-handler/x'], {
      command: script,
      timeoutMs: 200,
    });
    expect(outcome).toEqual({
      ok: false,
      reason: 'timed-out',
      detail: 'xdg-mime did not finish in time',
    });
  });

  it('passes arguments without a shell', async () => {
    const log = path.join(directory(), 'args');
    const script = await standIn('xdg-mime', `for a in "$@"; do echo "$a"; done > '${log}'`);
    const evil = 'x.desktop; touch pwned';
    expect(await runXdgMimeDefault(evil, ['$(id)'], { command: script })).toEqual({ ok: true });
    expect(await readFile(log, 'utf8')).toBe(`default\n${evil}\n$(id)\n`);
    expect(await readdir(directory())).not.toContain('pwned');
  });

  it('runs the xdg-mime found on PATH when no program is named', async () => {
    const log = path.join(directory(), 'ran');
    await standIn('xdg-mime', `echo "$@" > '${log}'`);
    const outcome = await runXdgMimeDefault('r.desktop', ['x-scheme-handler/r'], {
      env: { PATH: `${directory()}:/usr/bin:/bin` },
    });
    expect(outcome).toEqual({ ok: true });
    expect(await readFile(log, 'utf8')).toBe('default r.desktop x-scheme-handler/r\n');
  });

  it('runs the program with the environment it is given, else the launcher’s own', async () => {
    const log = path.join(directory(), 'seen');
    const script = await standIn('xdg-mime', `echo "$XDG_CONFIG_HOME" > '${log}'`);
    vi.stubEnv('XDG_CONFIG_HOME', '/from/the/launcher');
    await runXdgMimeDefault('r.desktop', [], {
      command: script,
      env: { XDG_CONFIG_HOME: '/given' },
    });
    expect(await readFile(log, 'utf8')).toBe('/given\n');
    await runXdgMimeDefault('r.desktop', [], { command: script });
    expect(await readFile(log, 'utf8')).toBe('/from/the/launcher\n');
  });
});
