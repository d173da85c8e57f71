/**
 * The thin Electron side of invite-link intake: it hands Electron's `app` and `process` to the
 * tested logic in src/main/intake and does nothing else.
 */
import type { App } from 'electron';
import type { InstanceRole, IntakeApp } from '../intake/intake-app';
import type { Logger } from '../logging/logger';

/** What the intake writes its decisions to. */
type IntakeLog = Pick<Logger, 'info' | 'warn' | 'error'>;
import { writeDesktopEntryFile } from '../intake/desktop-entry-file';
import type { LinkIntake } from '../intake/link-intake';
import { ProtocolRegistrar } from '../intake/protocol-registrar';
import { planProtocolRegistration, schemesToRegister } from '../intake/protocol-registration-plan';
import { wireLinkIntake } from '../intake/wire-link-intake';
import { runXdgMimeDefault } from '../intake/xdg-mime-default';

export interface LinkIntakeAdapterOptions {
  readonly logger: IntakeLog;
  /** Claim the schemes with the OS once `ready` (default true; tests and the CLI turn it off). */
  readonly registerProtocols?: boolean;
}

/**
 * Installs invite-link intake. Call it synchronously on the first lines of the entry module
 * (src/main/electron/main.ts), before `app.whenReady()`, before any `await` and not from a dynamic
 * `import()`: macOS delivers the launching link through `open-url`, possibly before `ready`, and
 * Electron does not replay it for late listeners.
 *
 * ```ts
 * const logs = setUpMainLogging({ devMode: !app.isPackaged });
 * const intake = new LinkIntake({ config: inviteLinkConfigFor(app.isPackaged), logger: logs.intake });
 * if (installLinkIntake(app, intake, { logger: logs.intake }) === 'secondary') {
 *   // Another launcher got this launch's argv and the process is exiting: start nothing else.
 * } else {
 *   void app.whenReady().then(async () => {
 *     // …create the window and the join flow, then:
 *     intake.attach({ submit, inFlightHandleId, rejectLink, revealWindow });
 *   });
 * }
 * ```
 *
 * Returns `'secondary'` when another launcher already runs: Electron has forwarded this process's
 * argv to it (its `second-instance`) and this process exits.
 */
export function installLinkIntake(
  app: App,
  intake: LinkIntake,
  options: LinkIntakeAdapterOptions,
): InstanceRole {
  const port: IntakeApp = app;
  const role = wireLinkIntake(port, intake, { argv: process.argv, logger: options.logger });
  if (role === 'primary' && options.registerProtocols !== false) {
    void app.whenReady().then(() => registerProtocols(app, intake, options.logger));
  }
  return role;
}

function registerProtocols(app: App, intake: LinkIntake, logger: IntakeLog): Promise<unknown> {
  const plan = planProtocolRegistration(schemesToRegister(intake.config, app.isPackaged), {
    platform: process.platform,
    isPackaged: app.isPackaged,
    defaultApp: process.defaultApp === true,
    execPath: process.execPath,
    appPath: app.getAppPath(),
    env: process.env,
  });
  const registrar = new ProtocolRegistrar({
    setAsDefaultProtocolClient: (scheme, path, args) =>
      app.setAsDefaultProtocolClient(scheme, path, args),
    writeDesktopEntry: writeDesktopEntryFile,
    runXdgMimeDefault: (fileName, mimeTypes) => runXdgMimeDefault(fileName, mimeTypes),
    logger,
  });
  return registrar.run(plan);
}
