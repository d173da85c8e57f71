/**
 * What the command line prints while a join runs: a short line per step for a person, or with
 * `--json` exactly one JoinView per line for a script (the same objects the window receives).
 */
import type { JoinErrorCode, JoinView } from '../shared/join-view';

/** The sentence a player reads for each failure; the view's message follows as detail. */
const failureSentences: Readonly<Record<JoinErrorCode, string>> = {
  'invalid-link': 'That invite link is not valid.',
  'invite-expired': 'This invite has expired, or its session has ended.',
  'session-full': 'The session is full.',
  'not-allowed': 'You are not allowed to join this session.',
  conflict: 'The session changed while you were joining. Try again.',
  unauthorized: 'Could not sign in to the session directory.',
  'wrong-account': 'This invite is for a different account.',
  'directory-unavailable': 'The session directory cannot be reached right now.',
  'rate-limited': 'The session directory is busy. Try again in a moment.',
  'malformed-response': 'The session directory sent an answer Rallypoint cannot read.',
  'game-failed': 'The game could not join the session.',
  cancelled: 'Joining was cancelled.',
};

export interface ProgressPrinter {
  show(view: JoinView): void;
  /** A free-form step line (directory started, session left, …); ignored in JSON mode. */
  note(line: string): void;
}

/** Prints views to `write` (one call per line, no trailing newline needed). */
export function createProgressPrinter(
  write: (line: string) => void,
  options: {
    readonly json: boolean;
    readonly now?: () => number;
  },
): ProgressPrinter {
  const now = options.now ?? Date.now;
  let last = '';
  let startedAt: number | undefined;
  return {
    note(line) {
      if (!options.json) write(line);
    },
    show(view) {
      if (options.json) {
        write(JSON.stringify(view));
        return;
      }
      const key = `${view.phase}:${view.attempt}`;
      if (key === last) return;
      last = key;
      if (view.phase === 'activating') startedAt = now();
      const line = describe(view, now(), startedAt);
      if (line) write(line);
    },
  };
}

function seats(view: JoinView): string {
  const session = view.session;
  if (!session) return '';
  const host = session.hostGamertag ? `, hosted by ${session.hostGamertag}` : '';
  return ` (${session.membersCount}/${session.maxMembersCount} players${host})`;
}

function describe(view: JoinView, now: number, startedAt: number | undefined): string | undefined {
  switch (view.phase) {
    case 'idle':
      return undefined;
    case 'activating':
      return `  … accepting the ${view.invite?.kind === 'join' ? 'join request' : 'invite'} from ${
        view.invite?.from ?? 'a friend'
      }`;
    case 'writingSession':
      return view.attempt > 1
        ? `  … joining the session (attempt ${view.attempt})`
        : '  … joining the session';
    case 'retrying': {
      const wait = Math.max(0, (view.nextRetryAt ?? now) - now);
      return `  … the directory did not take it; trying again in ${(wait / 1000).toFixed(1)} s`;
    }
    case 'joining':
      return `  … handing the session to the game${seats(view)}`;
    case 'joined': {
      const took = startedAt === undefined ? '' : ` in ${((now - startedAt) / 1000).toFixed(2)} s`;
      const whose = view.invite?.from ? `${view.invite.from}'s session` : 'the session';
      return `  ✔ joined ${whose}${seats(view)}${took}`;
    }
    case 'failed': {
      const error = view.error;
      if (!error) return '  ✖ the join failed';
      return `  ✖ ${failureSentences[error.code]}\n    ${error.message}`;
    }
  }
}
