/**
 * The system's locale as a BCP 47 tag, for the directory client's `Accept-Language`.
 *
 * Asking `Intl` costs the process ICU's locale data: about 20 ms of CPU, a fifth of Node's own
 * start, before `rallypoint activate`'s first request (docs/benchmarks.md, "Cold start"). Outside
 * Windows, Node's ICU takes its default locale from the POSIX variables `LC_ALL`, `LC_MESSAGES` and
 * `LANG`, in that order, with "C" and "POSIX" meaning American English; this module reads them
 * the same way and asks `Intl` only where they say nothing it can use (on Windows, or a value that
 * is not a plain language[-region] tag). The launcher passes Electron's locale and never asks here.
 */

/** `language[_REGION][.codeset][@modifier]` with a 2–3 letter language and an optional region. */
const posixLocale = /^([A-Za-z]{2,3})(?:_([A-Za-z]{2}|[0-9]{3}))?(?:\.[^@]*)?(?:@.*)?$/;

/**
 * The locale `Intl` would report for this process, read from `env` where the platform's ICU reads
 * it (never on Windows); `undefined` when the environment cannot say.
 */
export function localeFromEnvironment(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  if (platform === 'win32') return undefined;
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((entry) => entry) ?? 'C';
  const bare = value.replace(/[.@].*$/, '');
  if (bare === 'C' || bare === 'POSIX') return 'en-US';
  const match = posixLocale.exec(value);
  if (match === null) return undefined;
  const [, language = '', region] = match;
  return region === undefined
    ? language.toLowerCase()
    : `${language.toLowerCase()}-${region.toUpperCase()}`;
}

/** The system locale: from the environment where it says, else from ICU, else `en-US`. */
export function systemLocale(): string {
  const fromEnvironment = localeFromEnvironment(process.env, process.platform);
  if (fromEnvironment !== undefined) return fromEnvironment;
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale || 'en-US';
  } catch {
    return 'en-US';
  }
}
