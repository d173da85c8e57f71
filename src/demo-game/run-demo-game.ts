/**
 * The demo game: the smallest program that speaks the launcher's game protocol, so the whole
 * invite flow can be seen end to end and studios have a reference to copy the protocol from.
 *
 * - Started by the launcher with `--join <sessionRef> --connect <connection>` (the default argument
 *   template), it "joins" and answers `{"type":"joined"}` on its output.
 * - While running it keeps reading JSON lines on its input: `{"type":"join",...}` joins another
 *   session and answers again; `{"type":"quit"}` (or the input closing) ends it.
 * - Human-readable lines go to `log` (stderr); the output carries protocol lines only.
 * - `--mode silent|crash|refuse` makes it misbehave on purpose, to show (and test) how the
 *   launcher handles a game that never confirms, dies, or turns the join down.
 *
 * It runs in two hosts: as a Node script (src/demo-game/demo-game.ts, over the process's stdio)
 * and inside the packaged launcher's own executable (`--rallypoint-demo-game`, see
 * src/main/electron/main.ts), which is why it takes its streams and its exit as options.
 */
import { createInterface } from 'node:readline';

type Mode = 'ack' | 'silent' | 'crash' | 'refuse';

export interface DemoGameOptions {
  /** The game's own arguments (no program path), e.g. `['--join', ref, '--connect', address]`. */
  readonly argv: readonly string[];
  /** Where the launcher's JSON lines arrive (stdin). */
  readonly input: NodeJS.ReadableStream;
  /** Where protocol lines go (stdout). */
  readonly output: NodeJS.WritableStream;
  /** Human-readable lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** The first join's id (the launcher passes it as `RALLYPOINT_JOIN_ID`). */
  readonly joinId?: string;
  /** Shown in the greeting (default: this process's pid). */
  readonly pid?: number;
  /** Ends the game: 0 on quit or end of input, 3 in `--mode crash`. */
  readonly exit: (code: number) => void;
}

/** Starts the demo game; it runs until it calls `options.exit`. */
export function runDemoGame(options: DemoGameOptions): void {
  const { argv, output, exit } = options;
  const option = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const mode = (option('mode') ?? 'ack') as Mode;
  const say = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const answer = (message: Record<string, unknown>) =>
    void output.write(`${JSON.stringify(message)}\n`);
  let ended = false;
  const end = (code: number) => {
    if (ended) return;
    ended = true;
    exit(code);
  };

  const join = (joinId: string | undefined, sessionRef: string, connection: string): void => {
    say(`joining session ${sessionRef}`);
    say(`connecting to ${readable(connection)}`);
    if (mode === 'crash') {
      say('crashing on purpose (--mode crash)');
      end(3);
      return;
    }
    if (mode === 'silent') {
      say('staying silent on purpose (--mode silent)');
      return;
    }
    if (mode === 'refuse') {
      answer({
        type: 'join-failed',
        joinId,
        reason: 'the demo game refuses joins (--mode refuse)',
      });
      return;
    }
    answer({ type: 'joined', joinId, sessionRef });
    say('in the session — have fun!');
  };

  say(`demo game started (pid ${options.pid ?? process.pid})`);
  const sessionRef = option('join');
  if (sessionRef) join(options.joinId, sessionRef, option('connect') ?? '(none)');
  if (ended) return;

  createInterface({ input: options.input })
    .on('line', (line) => {
      if (ended) return;
      let message: { type?: unknown; joinId?: unknown; sessionRef?: unknown; connection?: unknown };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        say(`ignoring a line that is not JSON: ${line.slice(0, 80)}`);
        return;
      }
      if (message.type === 'join') {
        say('the launcher handed over another join');
        join(
          typeof message.joinId === 'string' ? message.joinId : undefined,
          String(message.sessionRef),
          String(message.connection),
        );
      } else if (message.type === 'quit') {
        say('quitting, bye');
        end(0);
      }
    })
    .on('close', () => end(0));
}

/** Secure device addresses are base64; show the address inside when it is plain text. */
function readable(connection: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(connection)) return connection;
  const decoded = Buffer.from(connection, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded)
    ? `${decoded} (secure device address ${connection})`
    : connection;
}
