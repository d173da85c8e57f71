/**
 * What counts as the launcher's own page: the one check behind IPC sender checks and navigation
 * guards, including the inputs a crafted frame or a broken caller might hand it.
 */
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl } from '../../src/main/security/app-origin';

describe('isAppUrl', () => {
  it('accepts pages of the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://rallypoint/')).toBe(true);
    expect(isAppUrl('APP://rallypoint/index.html?x=1#y')).toBe(true);
    expect(isAppUrl('app://RallyPoint/index.html')).toBe(true);
  });

  it('refuses text that is not a URL, and no URL at all', () => {
    for (const url of ['not a url', 'app//rallypoint/', '', undefined, null]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('refuses anything but a string, even when it prints as the app URL', () => {
    const lookalikes: unknown[] = [
      new URL(APP_ENTRY_URL),
      { toString: () => APP_ENTRY_URL },
      [APP_ENTRY_URL],
    ];
    for (const value of lookalikes) {
      expect(isAppUrl(value as string)).toBe(false);
    }
  });

  it('refuses another host, a port, or credentials of any kind', () => {
    for (const url of [
      'app://rallypoint.evil/index.html',
      'app://evil/index.html',
      'app://rallypoint:1/index.html',
      'app://me@rallypoint/index.html',
      'app://:pw@rallypoint/index.html',
      'rallypoint://rallypoint/index.html',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});
