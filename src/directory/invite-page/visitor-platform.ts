/**
 * Which installer a visitor needs, from the request alone: Chromium browsers send the platform as
 * a client hint (`Sec-CH-UA-Platform`), every browser names it in `User-Agent`. Phones, tablets
 * and Chromebooks get no installer chosen for them (the page lists every one there is).
 */
import type { IncomingHttpHeaders } from 'node:http';

export type VisitorPlatform = 'windows' | 'macos' | 'linux' | 'other';

const hinted: Readonly<Record<string, VisitorPlatform>> = {
  windows: 'windows',
  macos: 'macos',
  linux: 'linux',
};

/** The visitor's desktop operating system, or `other`. */
export function visitorPlatformOf(headers: IncomingHttpHeaders): VisitorPlatform {
  const hint = headers['sec-ch-ua-platform'];
  if (typeof hint === 'string' && hint !== '') {
    return hinted[hint.replace(/^"|"$/g, '').trim().toLowerCase()] ?? 'other';
  }
  const agent = headers['user-agent'] ?? '';
  // Android and ChromeOS name Linux too, iPads and iPhones "like Mac OS X": those go first.
  if (/Android|CrOS|iPhone|iPad|iPod/i.test(agent)) return 'other';
  if (/Windows/i.test(agent)) return 'windows';
  if (/Macintosh|Mac OS X/i.test(agent)) return 'macos';
  if (/Linux|X11/i.test(agent)) return 'linux';
  return 'other';
}
