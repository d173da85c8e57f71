/**
 * The demo game: the smallest program that speaks the launcher's game protocol, so the whole
 * invite flow can be seen end to end and studios have a reference to copy the protocol from.
 *
 * - Started by the launcher with `--join <sessionRef> --connect <connection>` (the default argument
 *   template), it "joins" and answers `{"type":"joined"}` on its output.
 * - While running it keeps reading JSON lines on its input: `{"type":"join",...}` joins another
 *   session and answers again; `{"type":"quit"}` (or the input closing) ends it.
 * - Human-readable lines go to `log` (stderr); the output carries protocol lines only.
 * - Started with `--play` (the demo's Play template) it asks the launcher to host a session for it
 *   (`host-session`), then prints who is in the session each time the launcher says (`members`).
 *   `--invite XUID` (repeatable) asks the launcher to invite those players once hosting, and
 *   `--invite-dialog` asks for the invite dialog. Every launcher line it gets is reported.
 * - `--mode silent|crash|refuse` makes it misbehave on purpose, to show (and test) how the
 *   launcher handles a game that never confirms, dies, or turns the join down; `--send LINE`
 *   (repeatable) writes LINE on its output as it starts and `--send-after-host LINE` once its
 *   session is hosted, so tests can put any message, good or bad, on the channel
 *   (`--send-bytes N` writes one N-byte line without a newline inside, `--flood N` N messages,
 *   `--send-later LINE` LINE 1.5 s after starting).
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
  const options_ = (name: string): string[] =>
    argv.flatMap((arg, index) =>
      arg === `--${name}` && index + 1 < argv.length ? [argv[index + 1] ?? ''] : [],
    );
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

  const pid = options.pid ?? process.pid;
  say(`demo game started (pid ${pid})`);
  for (const line of options_('send')) void output.write(`${line}\n`);
  const bytes = Number(option('send-bytes') ?? '0');
  if (bytes > 0) {
    // Written in pieces, as a real program would, so the launcher sees it arrive in chunks.
    const piece = 'x'.repeat(64 * 1024);
    for (let left = bytes; left > 0; left -= piece.length) {
      void output.write(left >= piece.length ? piece : piece.slice(0, left));
    }
    void output.write('\n');
  }
  const flood = Number(option('flood') ?? '0');
  for (let index = 0; index < flood; index += 1) answer({ type: 'left', id: `flood-${index}` });
  const later = options_('send-later');
  if (later.length > 0) {
    setTimeout(() => {
      for (const line of later) if (!ended) void output.write(`${line}\n`);
    }, 1500).unref();
  }

  const names = new Map<string, string>();
  const invitees = options_('invite');
  const afterHost = () => {
    for (const line of options_('send-after-host')) void output.write(`${line}\n`);
    if (invitees.length > 0) {
      say(`asking the launcher to invite ${invitees.join(', ')}`);
      answer({ v: 1, type: 'invite-players', id: 'invite-1', xuids: invitees, context: 'demo' });
    }
    if (argv.includes('--invite-dialog')) {
      say('asking the launcher for the invite dialog');
      answer({ v: 1, type: 'open-invite-dialog', id: 'dialog-1' });
    }
  };

  /** Reports a launcher message that is not a join or quit (the two-way channel, version 1). */
  const report = (message: Record<string, unknown>): void => {
    const text = (key: string) =>
      typeof message[key] === 'string' ? (message[key] as string) : '';
    switch (message.type) {
      case 'hello':
        say(
          `launcher says hello (protocol ${String(message.protocol)}, mode ${text('mode')}, player ${text('gamertag')})`,
        );
        return;
      case 'session-hosted':
        say(`hosting session ${text('sessionRef')}`);
        afterHost();
        return;
      case 'host-failed':
        say(`the launcher could not host a session: ${text('code')} (${text('message')})`);
        return;
      case 'members': {
        const members = Array.isArray(message.members)
          ? (message.members as { xuid?: unknown; gamertag?: unknown; host?: unknown }[])
          : [];
        const list = members.map((member) => {
          const xuid = String(member.xuid);
          const name = typeof member.gamertag === 'string' ? member.gamertag : xuid;
          names.set(xuid, name);
          return `${name}${member.host === true ? ' (host)' : ''}`;
        });
        say(`players in the session: ${list.join(', ')}`);
        return;
      }
      case 'invite-sent':
        say(`invite sent to ${text('xuid')}`);
        return;
      case 'invite-failed':
        say(`invite to ${text('xuid')} failed: ${text('code')}`);
        return;
      case 'invite-dialog-closed':
        say(`invite dialog closed (${text('reason')})`);
        return;
      case 'left-noted':
        say('the launcher noted that we left');
        return;
      case 'error':
        say(`launcher error: ${text('code')}: ${text('message')}`);
        return;
      default:
        say(`launcher says ${String(message.type)}`);
    }
  };

  const sessionRef = option('join');
  if (sessionRef) join(options.joinId, sessionRef, option('connect') ?? '(none)');
  if (ended) return;
  if (argv.includes('--play')) {
    say('started with Play: asking the launcher to host a session');
    answer({
      v: 1,
      type: 'host-session',
      id: 'host-1',
      seats: 4,
      joinRestriction: 'followed',
      connection: `demo-host-${pid}.local:7777`,
    });
  }

  createInterface({ input: options.input })
    .on('line', (line) => {
      if (ended) return;
      let message: {
        type?: unknown;
        joinId?: unknown;
        sessionRef?: unknown;
        connection?: unknown;
        [key: string]: unknown;
      };
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
      } else {
        report(message);
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
