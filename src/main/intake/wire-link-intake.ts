import type { IntakeApp, InstanceRole } from './intake-app';
import type { Logger } from '../logging/logger';

/** What the intake writes its decisions to. */
type IntakeLog = Pick<Logger, 'info' | 'warn' | 'error'>;
import type { LinkIntake } from './link-intake';

export interface WireLinkIntakeOptions {
  /** This process's command line (`process.argv`), scanned once for a cold-start link. */
  readonly argv: readonly string[];
  readonly logger: IntakeLog;
}

/**
 * Connects the OS's ways of delivering a link to the intake. Must run synchronously at start-up,
 * before `ready` and before any `await`: Electron fires `open-url` without queueing, so a listener
 * attached later misses the link that launched the app on macOS.
 *
 * Order matters. `open-url` comes first so no macOS event can slip past. Then the single-instance
 * lock: a process that fails it has already had its argv forwarded to the primary by Electron, so
 * it must not act on the link itself and exits at once (`exit`, not `quit`: there is nothing to
 * close, and `quit` could be held up by listeners registered later). Only the primary listens for
 * `second-instance` and scans its own argv.
 */
export function wireLinkIntake(
  app: IntakeApp,
  intake: LinkIntake,
  options: WireLinkIntakeOptions,
): InstanceRole {
  const { logger } = options;
  app.on('open-url', (event, url) => {
    // Tells macOS the app handled the URL itself.
    event.preventDefault();
    intake.receiveUrl(url, 'open-url');
  });

  if (!app.requestSingleInstanceLock()) {
    logger.info('intake: another launcher holds the single-instance lock; handed over, quitting');
    app.exit(0);
    return 'secondary';
  }
  logger.info('intake: this launcher holds the single-instance lock');

  app.on('second-instance', (_event, argv) => {
    // Stryker disable next-line ArrayDeclaration: a command line of one word that is no link holds no invite link either
    intake.receiveArgv(Array.isArray(argv) ? argv : [], 'second-instance');
  });
  intake.receiveArgv(options.argv, 'cold-start');
  return 'primary';
}
