/**
 * The system locale read from the environment must be the one ICU reports for the same
 * environment: each case starts a real Node process with only those variables and compares.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { localeFromEnvironment } from '../../../src/main/join/system-locale';

/** What `Intl` reports in a Node process whose whole environment is `env`. */
function icuLocale(env: NodeJS.ProcessEnv): string {
  return execFileSync(
    process.execPath,
    ['-e', 'process.stdout.write(Intl.DateTimeFormat().resolvedOptions().locale)'],
    { env, encoding: 'utf8' },
  );
}

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('localeFromEnvironment', () => {
  const environments: NodeJS.ProcessEnv[] = [
    {},
    { LANG: 'C' },
    { LANG: 'C.UTF-8' },
    { LANG: 'POSIX' },
    { LANG: 'de_DE.UTF-8' },
    { LANG: 'pt_BR' },
    { LANG: 'zh_TW.Big5' },
    { LANG: 'en' },
    { LANG: 'de_DE', LC_MESSAGES: 'ja_JP.UTF-8' },
    { LANG: 'de_DE', LC_MESSAGES: 'ja_JP.UTF-8', LC_ALL: 'fr_FR.UTF-8' },
  ];
  for (const env of environments) {
    posixOnly(`matches ICU for ${JSON.stringify(env)}`, () => {
      expect(localeFromEnvironment(env, process.platform)).toBe(icuLocale(env));
    });
  }

  it('leaves to ICU what is not a language[-region] tag, and Windows altogether', () => {
    expect(localeFromEnvironment({ LANG: 'de_DE.UTF-8' }, 'win32')).toBeUndefined();
    expect(localeFromEnvironment({ LANG: 'not a locale' }, 'linux')).toBeUndefined();
    expect(localeFromEnvironment({ LANG: 'sr_RS@latin' }, 'linux')).toBe('sr-RS');
    expect(localeFromEnvironment({ LC_ALL: '', LANG: 'it_IT' }, 'linux')).toBe('it-IT');
  });
});
