/**
 * Sending invites: one MPSD invite handle per friend (`POST /handles`, `type: invite`, the title in
 * `inviteAttributes.titleId`, the optional context). The session is read first so the common
 * refusals are said before anything is sent: the sender is not in it, it is full, it lets no
 * outsider in (closed, or not open), or the friend is already in it. After a rate limit the rest
 * are not sent at all. The command line, the game channel and (later) the invite dialog all send
 * through here.
 */
import {
  findMemberByXuid,
  isSessionFull,
  parseSessionDocument,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import { err, ok, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import { parseJson, type DirectoryCalls } from '../join/directory-client';
import type { GameTitle } from '../join/game-hand-off';
import { inviteFailureOf, inviteFailureOfStatus, type InviteFailure } from './invite-failure';

export interface InviteRequest {
  /** The session path the invites point into. */
  readonly sessionRef: string;
  readonly xuids: readonly string[];
  readonly context?: string;
}

/** The outcome for one friend. */
export type InviteOutcome =
  | { readonly xuid: string; readonly ok: true; readonly handleId: string }
  | { readonly xuid: string; readonly ok: false; readonly failure: InviteFailure };

export interface InviteSenderDeps {
  readonly calls: DirectoryCalls;
  /** The signed-in player, who sends. */
  readonly senderXuid: string;
  readonly title: Pick<GameTitle, 'titleId'>;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
}

const sessionPathPattern =
  /^\/serviceconfigs\/([^/?#]+)\/sessiontemplates\/([^/?#]+)\/sessions\/([^/?#]+)$/i;

/** The `{scid, templateName, name}` of a session path; undefined for anything else. */
function sessionRefOf(
  path: string,
): { scid: string; templateName: string; name: string } | undefined {
  const match = sessionPathPattern.exec(path);
  if (!match) return undefined;
  try {
    const [scid, templateName, name] = match.slice(1).map((part) => decodeURIComponent(part));
    if (!scid || !templateName || !name) return undefined;
    return { scid, templateName, name };
  } catch {
    return undefined;
  }
}

/** Why nobody can be invited into this session now, if so. */
function sessionRefusal(session: SessionDocument, senderXuid: string): InviteFailure | undefined {
  const sender = findMemberByXuid(session, senderXuid);
  if (!sender || sender.member.reserved === true) {
    return { code: 'not-in-session', message: 'the sender is not a member of the session' };
  }
  if (isSessionFull(session)) return { code: 'session-full', message: 'every seat is taken' };
  const visibility = session.constants?.system?.visibility;
  if (session.properties?.system?.closed === true) {
    return { code: 'not-allowed', message: 'the session is closed to new members' };
  }
  if (visibility !== undefined && visibility !== 'open') {
    return { code: 'not-allowed', message: `the session is ${visibility}, not open` };
  }
  return undefined;
}

/** Sends one invite per XUID (duplicates once); never throws. */
export async function sendInvites(
  deps: InviteSenderDeps,
  request: InviteRequest,
  signal: AbortSignal,
): Promise<Result<readonly InviteOutcome[], InviteFailure>> {
  const ref = sessionRefOf(request.sessionRef);
  if (!ref) return err({ code: 'not-in-session', message: 'not a session path' });
  const read = await deps.calls.call('GET', request.sessionRef, undefined, { signal });
  if (!read.ok) return err(inviteFailureOf(read.error));
  if (read.value.status !== 200) {
    const failure = inviteFailureOfStatus(
      read.value.status,
      read.value.text,
      read.value.retryAfterMs,
    );
    return err(read.value.status === 403 ? { ...failure, code: 'not-in-session' } : failure);
  }
  const session = parseSessionDocument(parseJson(read.value.text));
  if (!session.ok) {
    return err({ code: 'malformed-response', message: `session: ${session.error.message}` });
  }
  const refusal = sessionRefusal(session.value, deps.senderXuid);
  const outcomes: InviteOutcome[] = [];
  let stopped: InviteFailure | undefined = refusal;
  for (const xuid of new Set(request.xuids)) {
    if (stopped) {
      outcomes.push({ xuid, ok: false, failure: stopped });
      continue;
    }
    if (findMemberByXuid(session.value, xuid) || xuid === deps.senderXuid) {
      outcomes.push({
        xuid,
        ok: false,
        failure: { code: 'already-in-session', message: 'already a member of the session' },
      });
      continue;
    }
    const sent = await deps.calls.call(
      'POST',
      '/handles',
      {
        version: 1,
        type: 'invite',
        sessionRef: ref,
        invitedXuid: xuid,
        inviteAttributes: {
          titleId: deps.title.titleId,
          ...(request.context === undefined ? {} : { context: request.context }),
        },
      },
      { signal },
    );
    const outcome = outcomeOf(xuid, sent);
    if (!outcome.ok && outcome.failure.code === 'rate-limited') stopped = outcome.failure;
    outcomes.push(outcome);
  }
  const sentCount = outcomes.filter((outcome) => outcome.ok).length;
  deps.log?.info(
    `invites: ${sentCount} of ${outcomes.length} sent${
      outcomes.length > sentCount
        ? ` (${outcomes
            .flatMap((outcome) => (outcome.ok ? [] : [outcome.failure.code]))
            .join(', ')})`
        : ''
    }`,
  );
  return ok(outcomes);
}

function outcomeOf(xuid: string, sent: Awaited<ReturnType<DirectoryCalls['call']>>): InviteOutcome {
  if (!sent.ok) return { xuid, ok: false, failure: inviteFailureOf(sent.error) };
  const { status, text, retryAfterMs } = sent.value;
  if (status !== 201 && status !== 200) {
    return { xuid, ok: false, failure: inviteFailureOfStatus(status, text, retryAfterMs) };
  }
  const body = parseJson(text) as { id?: unknown } | undefined;
  if (typeof body?.id !== 'string') {
    return {
      xuid,
      ok: false,
      failure: { code: 'malformed-response', message: 'the new handle has no id' },
    };
  }
  return { xuid, ok: true, handleId: body.id };
}
