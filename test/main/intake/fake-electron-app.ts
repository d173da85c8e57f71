import { EventEmitter } from 'node:events';
import type { IntakeApp } from '../../../src/main/intake/intake-app';

/**
 * An Electron `app` stand-in built on EventEmitter: the same `on` contract, a single-instance lock
 * that is either won or lost, and helpers that emit what the OS would (`open-url`, a second launch).
 */
export class FakeElectronApp extends EventEmitter implements IntakeApp {
  /** Calls in order, to check that `open-url` is attached before the lock is requested. */
  readonly calls: string[] = [];
  exitCode: number | undefined;
  preventedUrls = 0;

  constructor(private readonly holdsLock: boolean) {
    super();
  }

  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    this.calls.push(`on:${String(event)}`);
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.holdsLock;
  }

  exit(exitCode = 0): void {
    this.calls.push('exit');
    this.exitCode = exitCode;
  }

  /** What macOS does when a link is clicked. */
  openUrl(url: string): void {
    this.emit('open-url', { preventDefault: () => void this.preventedUrls++ }, url);
  }

  /** What Electron does in the primary when another launch fails the lock. */
  launchSecond(argv: string[]): void {
    this.emit('second-instance', {}, argv, '/home/player');
  }
}
