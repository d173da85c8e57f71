/**
 * A game process as Play sees it (`PlayableGame`), driven by the test: it reports what the test
 * tells it to (messages, a join through an invite, a start, an end) and keeps every line the
 * launcher sends it. Shared by the Play controller's and Play glue's tests.
 */
import type { GameMessage, LauncherMessage } from '../../../src/main/game/game-channel-protocol';
import type {
  GameEnded,
  GameJoinRequest,
  PlayableGame,
  PlayRefusal,
} from '../../../src/main/join/game-hand-off';
import { ok, type Result } from '../../../src/shared/result';

type Sent<T extends LauncherMessage['type']> = Extract<LauncherMessage, { type: T }>;

export class ScriptedGame implements PlayableGame {
  /** Everything the launcher sent to the game, in order. */
  readonly sent: LauncherMessage[] = [];
  /** What the next `play()` answers. */
  playAnswer: Result<{ readonly pid: number | undefined }, PlayRefusal> = ok({ pid: 4242 });
  /** Makes removing a listener throw, as a broken game process could. */
  failUnsubscribe = false;
  readonly #messages = new Set<(message: GameMessage) => void>();
  readonly #joined = new Set<(request: GameJoinRequest) => void>();
  readonly #ended = new Set<(ended: GameEnded) => void>();
  readonly #running = new Set<(pid: number | undefined) => void>();
  readonly #waiters: { type: string; resolve: (message: LauncherMessage) => void }[] = [];

  play() {
    return this.playAnswer;
  }
  send(message: LauncherMessage): boolean {
    this.sent.push(message);
    for (const waiter of this.#waiters.filter((w) => w.type === message.type)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
    return true;
  }
  onMessage(listener: (message: GameMessage) => void) {
    return this.#listen(this.#messages, listener);
  }
  onJoined(listener: (request: GameJoinRequest) => void) {
    return this.#listen(this.#joined, listener);
  }
  onEnded(listener: (ended: GameEnded) => void) {
    return this.#listen(this.#ended, listener);
  }
  onRunning(listener: (pid: number | undefined) => void) {
    return this.#listen(this.#running, listener);
  }

  // The join hand-off's part is not Play's: Play never calls these.
  join(): never {
    throw new Error('Play does not join');
  }
  isRunning(): boolean {
    return false;
  }
  runningPid(): number | undefined {
    return undefined;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The game sends a line of the channel. */
  says(message: GameMessage): void {
    for (const listener of [...this.#messages]) listener(message);
  }
  /** The game confirmed a join made through an invite. */
  joinedBy(request: GameJoinRequest): void {
    for (const listener of [...this.#joined]) listener(request);
  }
  /** The OS reported the copy spawned. */
  runs(pid: number | undefined): void {
    for (const listener of [...this.#running]) listener(pid);
  }
  /** The copy ended. */
  ends(ended: GameEnded): void {
    for (const listener of [...this.#ended]) listener(ended);
  }
  /** How many listeners the launcher holds on this game. */
  listeners(): number {
    return this.#messages.size + this.#joined.size + this.#ended.size + this.#running.size;
  }
  /** Lines of one type the launcher sent. */
  heard<T extends LauncherMessage['type']>(type: T): Sent<T>[] {
    return this.sent.filter((message): message is Sent<T> => message.type === type);
  }
  /** The next line of this type the launcher sends (one already sent counts). */
  told<T extends LauncherMessage['type']>(type: T): Promise<Sent<T>> {
    const seen = this.heard(type)[0];
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) =>
      this.#waiters.push({ type, resolve: (message) => resolve(message as Sent<T>) }),
    );
  }

  #listen<T>(listeners: Set<T>, listener: T): () => void {
    listeners.add(listener);
    return () => {
      if (this.failUnsubscribe) throw new Error('listener removal failed');
      listeners.delete(listener);
    };
  }
}
