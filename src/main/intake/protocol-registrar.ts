import type { DesktopEntryWrite } from './desktop-entry-file';
import type { Logger } from '../logging/logger';

/** What the intake writes its decisions to. */
type IntakeLog = Pick<Logger, 'info' | 'warn' | 'error'>;
import type { ProtocolRegistrationPlan } from './protocol-registration-plan';
import type { XdgMimeOutcome } from './xdg-mime-default';

/** The side effects a registration plan needs; the Electron adapter supplies the real ones. */
export interface RegistrarPorts {
  setAsDefaultProtocolClient(scheme: string, path: string, args: string[]): boolean;
  writeDesktopEntry(
    directory: string,
    fileName: string,
    contents: string,
  ): Promise<DesktopEntryWrite>;
  runXdgMimeDefault(fileName: string, mimeTypes: readonly string[]): Promise<XdgMimeOutcome>;
  readonly logger: IntakeLog;
}

/** Whether the OS now sends our links here; `false` is logged and the launcher keeps running. */
export type RegistrationOutcome = 'registered' | 'failed' | 'skipped';

/**
 * Carries out a registration plan step by step and logs each result. Registration is best-effort
 * by design: a launcher that cannot claim its scheme still works for links passed on its command
 * line, so no failure here is allowed to stop start-up. Runs on every start because the program
 * may have moved (an AppImage in a new folder, an update in a new path).
 */
export class ProtocolRegistrar {
  constructor(private readonly ports: RegistrarPorts) {}

  async run(plan: ProtocolRegistrationPlan): Promise<RegistrationOutcome> {
    const { logger } = this.ports;
    if (plan.skipped !== undefined) {
      logger.warn(
        `registration: ${plan.schemes.join(', ')} not registered (${plan.summary}): ${plan.skipped}`,
      );
      return 'skipped';
    }
    logger.info(`registration: ${plan.schemes.join(', ')} for ${plan.summary}`);
    for (const step of plan.steps) {
      try {
        switch (step.kind) {
          case 'set-default-protocol-client': {
            const done = this.ports.setAsDefaultProtocolClient(step.scheme, step.path, [
              ...step.args,
            ]);
            if (!done) {
              logger.warn(`registration: the OS refused ${step.scheme} as our scheme`);
              return 'failed';
            }
            logger.info(
              `registration: default client for ${step.scheme} (args ${step.args.join(' ')})`,
            );
            break;
          }
          case 'write-desktop-entry': {
            const write = await this.ports.writeDesktopEntry(
              step.directory,
              step.fileName,
              step.contents,
            );
            logger.info(`registration: desktop entry ${step.fileName} ${write}`);
            break;
          }
          case 'xdg-mime-default': {
            const outcome = await this.ports.runXdgMimeDefault(step.fileName, step.mimeTypes);
            if (!outcome.ok) {
              logger.warn(`registration: xdg-mime ${outcome.reason}: ${outcome.detail}`);
              return 'failed';
            }
            logger.info(
              `registration: ${step.fileName} is the default for ${step.mimeTypes.join(', ')}`,
            );
            break;
          }
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'unknown error';
        logger.error(`registration: ${step.kind} failed: ${reason}`);
        return 'failed';
      }
    }
    return 'registered';
  }
}
