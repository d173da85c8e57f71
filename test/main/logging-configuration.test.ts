/**
 * configureLogging's choices, seen from outside a real electron-log: default levels, file rotation,
 * transports that must stay silent, and unpadded scope labels (found by mutation testing).
 */
import log from 'electron-log/node';
import type { LogMessage, Transport } from 'electron-log';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureLogging } from '../../src/main/logging/configure-logging';

let dir: string;
let seq = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rallypoint-log-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freshLogger() {
  seq += 1;
  const instance = log.create({ logId: `configuration-test-${seq}` });
  const printed: string[] = [];
  instance.transports.console.writeFn = ({ message }) => {
    printed.push(message.data.map((item: unknown) => String(item)).join(' '));
  };
  return { instance, printed };
}

/** A transport that records what reaches it, at the most verbose level. */
function recordingTransport(): Transport & { readonly seen: LogMessage[] } {
  const seen: LogMessage[] = [];
  const transport = (message: LogMessage) => {
    seen.push(message);
  };
  return Object.assign(transport, { level: 'silly' as const, transforms: [], seen });
}

describe('configureLogging', () => {
  it('writes info and above to the file and the console by default, not debug', () => {
    const { instance, printed } = freshLogger();
    const file = join(dir, 'main.log');
    const loggers = configureLogging(instance, { file });
    loggers.app.debug('debug-line');
    loggers.app.info('info-line');
    loggers.app.warn('warn-line');
    const written = readFileSync(file, 'utf8');
    for (const output of [written, printed.join('\n')]) {
      expect(output).not.toContain('debug-line');
      expect(output).toContain('info-line');
      expect(output).toContain('warn-line');
    }
  });

  it('rotates the file once it grows past the size it was given', () => {
    const { instance } = freshLogger();
    const file = join(dir, 'main.log');
    const loggers = configureLogging(instance, { file, maxFileBytes: 2_000 });
    for (let line = 0; line < 60; line += 1) loggers.app.info(`line ${line} ${'x'.repeat(60)}`);
    expect(existsSync(join(dir, 'main.old.log'))).toBe(true);
    expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(2_000);
  });

  it('keeps the file whole below the default 2 MiB', () => {
    const { instance } = freshLogger();
    const file = join(dir, 'main.log');
    const loggers = configureLogging(instance, { file });
    for (let line = 0; line < 60; line += 1) loggers.app.info(`line ${line} ${'x'.repeat(60)}`);
    expect(existsSync(join(dir, 'main.old.log'))).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('line 59');
  });

  it('silences the IPC and remote transports, whatever sits under those names', () => {
    const { instance } = freshLogger();
    const ipc = recordingTransport();
    const remote = recordingTransport();
    const transports = instance.transports as unknown as Record<string, Transport>;
    transports.ipc = ipc;
    transports.remote = remote;
    const loggers = configureLogging(instance, { file: false });
    loggers.app.error('stays on this machine');
    expect(ipc.seen).toEqual([]);
    expect(remote.seen).toEqual([]);
  });

  it('works with a logger that has neither an IPC nor a remote transport', () => {
    const { instance, printed } = freshLogger();
    const transports = instance.transports as unknown as Record<string, Transport | undefined>;
    delete transports.ipc;
    delete transports.remote;
    configureLogging(instance, { file: false }).app.info('still logs');
    expect(printed.join('\n')).toContain('still logs');
  });

  it('writes scope labels without padding', () => {
    const { instance } = freshLogger();
    const file = join(dir, 'main.log');
    const loggers = configureLogging(instance, { file });
    loggers.directory.info('long scope');
    loggers.app.info('short scope');
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/\(app\) short scope/);
    expect(written).toMatch(/\(directory\) long scope/);
  });
});
