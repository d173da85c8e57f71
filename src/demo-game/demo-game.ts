/**
 * The demo game: the smallest program that speaks the launcher's game protocol, so the whole
 * invite flow can be seen end to end and studios have a reference to copy the protocol from.
 *
 * - Started by the launcher with `--join <sessionRef> --connect <connection>` (the default argument
 *   template), it "joins" and answers `{"type":"joined"}` on stdout.
 * - While running it keeps reading JSON lines on stdin: `{"type":"join",...}` joins another session
 *   and answers again; `{"type":"quit"}` (or stdin closing) ends it.
 * - Human-readable lines go to stderr; stdout carries protocol lines only.
 * - `--mode silent|crash|refuse` makes it misbehave on purpose, to show (and test) how the
 *   launcher handles a game that never confirms, dies, or turns the join down.
 */
import { createInterface } from 'node:readline';

type Mode = 'ack' | 'silent' | 'crash' | 'refuse';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const mode = (option('mode') ?? 'ack') as Mode;
const say = (line: string) => process.stderr.write(`${line}\n`);
const answer = (message: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(message)}\n`);

/** Secure device addresses are base64; show the address inside when it is plain text. */
function readable(connection: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(connection)) return connection;
  const decoded = Buffer.from(connection, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded)
    ? `${decoded} (secure device address ${connection})`
    : connection;
}

function join(joinId: string | undefined, sessionRef: string, connection: string): void {
  say(`joining session ${sessionRef}`);
  say(`connecting to ${readable(connection)}`);
  if (mode === 'crash') {
    say('crashing on purpose (--mode crash)');
    process.exit(3);
  }
  if (mode === 'silent') {
    say('staying silent on purpose (--mode silent)');
    return;
  }
  if (mode === 'refuse') {
    answer({ type: 'join-failed', joinId, reason: 'the demo game refuses joins (--mode refuse)' });
    return;
  }
  answer({ type: 'joined', joinId, sessionRef });
  say('in the session — have fun!');
}

say(`demo game started (pid ${process.pid})`);
const sessionRef = option('join');
if (sessionRef) join(process.env['RALLYPOINT_JOIN_ID'], sessionRef, option('connect') ?? '(none)');

createInterface({ input: process.stdin })
  .on('line', (line) => {
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
      process.exit(0);
    }
  })
  .on('close', () => process.exit(0));
