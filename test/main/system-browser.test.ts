/**
 * The sign-in page goes to the system browser only when it is https, or http on this machine.
 */
import { describe, expect, it, vi } from 'vitest';
import { systemBrowser } from '../../src/main/electron/system-browser';
import { current, resetFakeElectron } from '../fakes/electron';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

describe('system browser', () => {
  it('opens https and loopback http sign-in pages, refuses everything else', async () => {
    const opened: string[] = [];
    const lines: string[] = [];
    const open = systemBrowser((line) => lines.push(line), {
      openExternal: async (url) => void opened.push(url),
    });
    await open('https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize?x=1');
    await open('http://127.0.0.1:5000/consumers/oauth2/v2.0/authorize');
    for (const bad of [
      'http://login.example/authorize',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'not a url',
    ]) {
      await expect(open(bad)).rejects.toThrow();
    }
    expect(opened).toEqual([
      'https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize?x=1',
      'http://127.0.0.1:5000/consumers/oauth2/v2.0/authorize',
    ]);
    // The log names the origin only, never the query (state, PKCE challenge).
    expect(lines.join('\n')).not.toContain('x=1');
  });

  it("uses Electron's shell.openExternal by default", async () => {
    resetFakeElectron();
    await systemBrowser(() => undefined)('https://login.example/authorize');
    expect(current().openedExternally).toEqual(['https://login.example/authorize']);
  });
});
