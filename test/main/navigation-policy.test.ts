/**
 * The navigation policy as pure functions: which in-window navigations, renderer requests and
 * external links it lets through, down to the edges a crafted URL would probe.
 */
import { describe, expect, it } from 'vitest';
import {
  externalLinkTarget,
  mayNavigate,
  mayRequest,
} from '../../src/main/security/navigation-policy';

describe('mayNavigate', () => {
  it('allows the app origin only', () => {
    expect(mayNavigate('app://rallypoint/index.html')).toBe(true);
    expect(mayNavigate('app://rallypoint/other.html#x')).toBe(true);
    expect(mayNavigate('app://rallypoint.evil/index.html')).toBe(false);
    expect(mayNavigate('https://rallypoint/index.html')).toBe(false);
    expect(mayNavigate('')).toBe(false);
    expect(mayNavigate('app://:pw@rallypoint/index.html')).toBe(false);
    expect(mayNavigate('app://me@rallypoint/index.html')).toBe(false);
    expect(mayNavigate(undefined as unknown as string)).toBe(false);
  });
});

describe('mayRequest', () => {
  it('allows app pages of the app origin, data URLs and the devtools own pages', () => {
    for (const url of [
      'app://rallypoint/app.js',
      'APP://rallypoint/app.js',
      'data:image/png;base64,AAAA',
      'Data:text/plain,x',
      'devtools://devtools/bundled/inspector.html',
      'chrome-extension://abc/page.html',
    ]) {
      expect(mayRequest(url), url).toBe(true);
    }
  });

  it('refuses everything else, including the app scheme on another host', () => {
    for (const url of [
      'app://elsewhere/app.js',
      'app://rallypoint:1/app.js',
      'https://evil.example/x.js',
      'http://127.0.0.1:3000/handles/x/session',
      'ws://127.0.0.1:1/',
      'file:///etc/passwd',
      'blob:app://rallypoint/1',
      'rallypoint://inviteHandleAccept',
      '1app://rallypoint/app.js',
      '//rallypoint/app.js',
      'no scheme at all',
      '',
      // An allowed scheme counts only at the very start.
      '1data:text/plain,x',
      ' data:text/plain,x',
      '/devtools://devtools/bundled/inspector.html',
    ]) {
      expect(mayRequest(url), url).toBe(false);
    }
  });
});

describe('externalLinkTarget', () => {
  const allowed = ['https://support.rallypoint.example'];

  it('opens an https link whose exact origin is on the allowlist, normalised', () => {
    expect(externalLinkTarget('https://support.rallypoint.example/invites?a=1', allowed)).toBe(
      'https://support.rallypoint.example/invites?a=1',
    );
    expect(externalLinkTarget('https://SUPPORT.rallypoint.example', allowed)).toBe(
      'https://support.rallypoint.example/',
    );
  });

  it('refuses other schemes, any credentials, other origins and text that is no URL', () => {
    for (const url of [
      'http://support.rallypoint.example/',
      'https://user@support.rallypoint.example/',
      'https://:pw@support.rallypoint.example/',
      'https://user:pw@support.rallypoint.example/',
      'https://support.rallypoint.example:8443/',
      'https://evil.example/',
      'https://support.rallypoint.example.evil/',
      'not a url',
    ]) {
      expect(externalLinkTarget(url, allowed), url).toBeUndefined();
    }
    expect(externalLinkTarget('https://support.rallypoint.example/', [])).toBeUndefined();
  });

  it('opens https only, even when a studio put a plain http origin on the allowlist', () => {
    expect(externalLinkTarget('http://news.example/', ['http://news.example'])).toBeUndefined();
    expect(externalLinkTarget('https://news.example/', ['https://news.example'])).toBe(
      'https://news.example/',
    );
  });
});
