/**
 * The part of Electron's `app` that intake uses, declared here so the wiring is plain TypeScript:
 * the Electron adapter passes the real `app`, tests pass an EventEmitter-based fake.
 */
export interface IntakeApp {
  on(
    event: 'open-url',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(
    event: 'second-instance',
    listener: (event: unknown, argv: string[], workingDirectory: string) => void,
  ): unknown;
  requestSingleInstanceLock(): boolean;
  exit(exitCode?: number): void;
}

/** Whether this process owns the launcher or only handed its launch to the one that does. */
export type InstanceRole = 'primary' | 'secondary';
