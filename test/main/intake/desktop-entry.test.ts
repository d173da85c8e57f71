/**
 * The desktop entry text: Exec quoting as the Desktop Entry Specification asks, every key in
 * order, and which paths can be written at all. protocol-registration.test.ts runs the same
 * entries through `desktop-file-validate`.
 */
import { describe, expect, it } from 'vitest';
import {
  execLine,
  isDesktopEntrySafe,
  renderDesktopEntry,
} from '../../../src/main/intake/desktop-entry';

describe('desktop entry Exec quoting', () => {
  it('quotes every argument and escapes what the spec reserves', () => {
    expect(execLine(['/a b/R"x`$y%z'])).toBe('"/a b/R\\\\"x\\\\`\\\\$y%%z" -- %U');
    expect(execLine(['C:\\odd'])).toBe('"C:\\\\\\\\odd" -- %U');
  });

  it('escapes every reserved character, not only the first, in every argument', () => {
    expect(execLine(['/$a/$b', '"x"', '%a%b'])).toBe(
      '"/\\\\$a/\\\\$b" "\\\\"x\\\\"" "%%a%%b" -- %U',
    );
  });
});

describe('renderDesktopEntry', () => {
  it('renders every key of the entry, one per line, in order', () => {
    const text = renderDesktopEntry({
      name: 'Rallypoint',
      comment: 'Opens; links',
      command: ['/opt/R.AppImage'],
      tryExec: '/opt/R\\x.AppImage',
      schemes: ['rallypoint', 'ms-xbl-52414c59'],
      hidden: true,
    });
    expect(text).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Rallypoint',
        'Comment=Opens; links',
        'TryExec=/opt/R\\\\x.AppImage',
        'Exec="/opt/R.AppImage" -- %U',
        'Terminal=false',
        'Categories=Game;',
        'MimeType=x-scheme-handler/rallypoint;x-scheme-handler/ms-xbl-52414c59;',
        'NoDisplay=true',
        '',
      ].join('\n'),
    );
  });

  it('a backslash in the name or comment is written twice, as in every string value', () => {
    const text = renderDesktopEntry({
      name: 'Rally\\point',
      comment: 'a\\b',
      command: ['/opt/R'],
      tryExec: '/opt/R',
      schemes: ['rallypoint'],
      hidden: false,
    });
    expect(text.split('\n').slice(2, 4)).toEqual(['Name=Rally\\\\point', 'Comment=a\\\\b']);
    expect(text).not.toContain('NoDisplay');
  });
});

describe('isDesktopEntrySafe', () => {
  it('accepts paths with spaces, quotes, shell characters and non-ASCII letters', () => {
    for (const value of ['/home/ana/My Games/R.AppImage', `/a/"it's"/$HOME/\`x\`;&|`, '/hé/ü']) {
      expect(isDesktopEntrySafe(value)).toBe(true);
    }
  });

  it('refuses any control character, which a desktop entry cannot hold', () => {
    for (const value of ['/a\nb', '/a\rb', '/a\tb', '/a\u0000b', '/a\u007fb', '/a\u009bb']) {
      expect(isDesktopEntrySafe(value)).toBe(false);
    }
  });
});
