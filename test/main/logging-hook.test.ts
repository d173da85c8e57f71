/**
 * The redaction hook wired into a real electron-log instance: lines go through the real file and
 * console transports and the test reads what actually landed on disk and on the console.
 */
import log from 'electron-log/node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configureLogging, logScopes } from '../../src/main/logging/configure-logging';
import { isRedactionHook } from '../../src/main/logging/redaction-hook';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

const token = 'XBL3.0 x=1844674407370955;eyJ0eXAiOiJKV1Qi.payload.sig';
const link =
  'rallypoint://inviteHandleAccept?handle=0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3&invitedXuid=2814613569642996&senderXuid=2533274790412345';

let dir: string;
let seq = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rallypoint-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freshLogger() {
  seq += 1;
  const instance = log.create({ logId: `hook-test-${seq}` });
  const printed: string[] = [];
  instance.transports.console.writeFn = ({ message }) => {
    printed.push(message.data.map((item: unknown) => String(item)).join(' '));
  };
  return { instance, printed };
}

describe('configureLogging with a real electron-log', () => {
  it('writes redacted lines to the file and the console, for every scope', () => {
    const { instance, printed } = freshLogger();
    const file = join(dir, 'main.log');
    const loggers = configureLogging(instance, { file, consoleLevel: 'debug', fileLevel: 'debug' });

    loggers.join.info('PUT with', { headers: { Authorization: token }, body: { token: 'abc123' } });
    loggers.intake.info(`received ${link}`);
    loggers.ipc.warn(new Error(`handler failed: ${token}`));
    loggers.renderer.debug('page says Bearer zzzyyyxxx');
    loggers.directory.error('response', '{"authorization":"XBL3.0 x=1;2"}');

    const written = readFileSync(file, 'utf8');
    for (const output of [written, printed.join('\n')]) {
      expect(output).not.toContain('eyJ0eXAiOiJKV1Qi');
      expect(output).not.toContain('1844674407370955');
      expect(output).not.toContain('abc123');
      expect(output).not.toContain('2814613569642996');
      expect(output).not.toContain('zzzyyyxxx');
      expect(output).not.toContain('x=1;2');
      expect(output).toContain('rallypoint://inviteHandleAccept?handle=0f3c12ab…');
    }
    expect(written).toMatch(/\(join\)/);
    expect(written).toMatch(/\(intake\)/);
    expect(written).toMatch(/\(renderer\)/);
    expect(Object.keys(loggers).sort()).toEqual([...logScopes].sort());
  });

  it('installs exactly one redaction hook however often it is configured', () => {
    const { instance } = freshLogger();
    configureLogging(instance, { file: false });
    configureLogging(instance, { file: false });
    expect(instance.hooks.filter((hook) => isRedactionHook(hook))).toHaveLength(1);
  });

  it('respects levels and can run without a file', () => {
    const { instance, printed } = freshLogger();
    const loggers = configureLogging(instance, { file: false, consoleLevel: 'warn' });
    loggers.app.info('quiet');
    loggers.app.warn('loud');
    expect(printed.join('\n')).not.toContain('quiet');
    expect(printed.join('\n')).toContain('loud');
    expect(instance.transports.file.level).toBe(false);
  });

  it('keeps working when a logged value cannot be serialised', () => {
    const { instance, printed } = freshLogger();
    const loggers = configureLogging(instance, { file: false });
    const cyclic: Record<string, unknown> = { authorization: token };
    cyclic.self = cyclic;
    expect(() => loggers.app.info('cyclic', cyclic, 10n, Symbol('s'))).not.toThrow();
    expect(printed.join('\n')).not.toContain('eyJ0eXAiOiJKV1Qi');
  });
});

describe('setUpMainLogging (Electron adapter)', () => {
  it('logs into the app logs folder, redacted', async () => {
    const fake = (await import('../fakes/electron')).resetFakeElectron();
    const { setUpMainLogging, mainLogPath } = await import('../../src/main/electron/logging');
    const loggers = setUpMainLogging({ devMode: false });
    try {
      loggers.app.warn(`launch with ${link} and ${token}`);
      expect(mainLogPath()).toBe(join(fake.app.userData, 'logs', 'main.log'));
      const written = readFileSync(mainLogPath(), 'utf8');
      expect(written).toContain('launch with rallypoint://inviteHandleAccept?handle=0f3c12ab…');
      expect(written).not.toContain('2814613569642996');
      expect(written).not.toContain('eyJ0eXAiOiJKV1Qi');
    } finally {
      log.errorHandler.stopCatching();
      log.transports.file.level = false;
    }
  });
});
