/**
 * Opens the sign-in page in the player's browser with Electron's `shell.openExternal`. Sign-in
 * (RFC 8252) must use the system browser, never a window of ours; the URL is checked first so
 * only an https page, or an http page on this machine (the local directory), is ever handed to
 * the OS. `shell` is a parameter so tests pass the faked one.
 */
import { shell as electronShell, type Shell } from 'electron';
import { isLoopbackHttp } from '../account/sign-in-settings';

/** What sign-in needs of a browser: open one URL. */
export type OpenBrowser = (url: string) => Promise<void>;

export function systemBrowser(
  log: (line: string) => void,
  shell: Pick<Shell, 'openExternal'> = electronShell,
): OpenBrowser {
  return async (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('the sign-in URL is not a URL');
    }
    if (parsed.protocol !== 'https:' && !isLoopbackHttp(url)) {
      log(`refused to open a ${parsed.protocol} sign-in page in the browser`);
      throw new Error('the sign-in URL is neither https nor loopback http');
    }
    log(`opening the sign-in page of ${parsed.origin} in the system browser`);
    await shell.openExternal(parsed.href);
  };
}
