/**
 * The web invite page's HTML: an invite, or the page for an invite that is gone. One template per
 * page, every player-written string (gamertag, context) passed through the player-text rule
 * (control and format characters stripped, src/shared/player-text.ts), escaped and isolated with
 * `<bdi>` so a right-to-left name cannot reorder the sentence around it. The only style sheet is
 * inline and allowed by its hash; the only script is a file of its own.
 */
import { createHash } from 'node:crypto';
import { stripUnsafePlayerText } from '../../shared/player-text';
import { escapeHtml } from '../identity/html-page';
import type { InstallerDownloads } from '../directory-options';
import type { AnonymousInviteView } from './anonymous-invite-view';
import { openLauncherScriptFile, openLauncherScriptIntegrity } from './open-launcher-script';
import type { PageLanguage, PageText } from './invite-page-text';
import type { VisitorPlatform } from './visitor-platform';

/** How long the page waits for the launcher before it offers the installer. */
const launcherWaitMs = 3000;

const style = `:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#f6f6f8;--card:#fff;--muted:#55555f;--accent:#0b6b0b;--accent-fg:#fff;--line:#d8d8de}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--bg:#16161a;--card:#222228;--muted:#b4b4be;--accent:#5fd35f;--accent-fg:#0b1a0b;--line:#3a3a44}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans JP","Hiragino Sans",sans-serif}
main{max-width:32rem;margin:0 auto;padding:2rem 1rem}.brand{font-weight:700;letter-spacing:.04em;color:var(--muted);margin:0 0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem;display:grid;gap:.5rem}
.card img{width:64px;height:64px;border-radius:50%}h1{font-size:1.4rem;line-height:1.3;margin:0;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:0}
.context{margin:0;font-style:italic;overflow-wrap:anywhere}.muted{color:var(--muted);margin:0}
#status,#fallback{margin-top:1.25rem}#fallback{display:grid;gap:.75rem}[hidden]{display:none!important}
.button{display:inline-block;padding:.6rem 1.1rem;border-radius:8px;border:1px solid var(--accent);color:var(--accent);text-decoration:none;font-weight:600}
.button.primary{background:var(--accent);color:var(--accent-fg)}.button:focus-visible,a:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
a{color:var(--accent)}.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:0}`;

/** The `style-src` source that allows the inline style sheet above and nothing else. */
export const styleHashSource = `'sha256-${createHash('sha256').update(style).digest('base64')}'`;

/** Shown text from another player: the player-text rule, escaped, in a bidi isolate. */
function playerText(raw: string): string {
  return `<bdi>${escapeHtml(stripUnsafePlayerText(raw))}</bdi>`;
}

function document(language: PageLanguage, title: string, body: string, script: boolean): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<style>${style}</style></head>
<body data-wait-ms="${launcherWaitMs}"><main>
<p class="brand">Rallypoint</p>
${body}
</main>${script ? `<script src="${openLauncherScriptFile}" integrity="${openLauncherScriptIntegrity}"></script>` : ''}</body></html>`;
}

export interface InvitePageInput {
  readonly language: PageLanguage;
  readonly text: PageText;
  readonly view: AnonymousInviteView;
  readonly gameName: string;
  /** The `rallypoint://` link the page opens. */
  readonly appLink: string;
  readonly platform: VisitorPlatform;
  readonly downloads: InstallerDownloads;
  /** From the page to the directory's root (`../` below `/invite/`), so a proxy prefix works. */
  readonly rootPath: string;
}

const platforms = ['windows', 'macos', 'linux'] as const;

/** The installers: the visitor's first and prominent, the others as plain links. */
function installers(input: InvitePageInput, withIds: boolean): string {
  const { text, downloads, platform } = input;
  const offered = platforms.filter((name) => downloads[name] !== undefined);
  if (offered.length === 0) return `<p class="muted">${escapeHtml(text.noDownloads)}</p>`;
  const main = offered.includes(platform as (typeof platforms)[number])
    ? (platform as (typeof platforms)[number])
    : undefined;
  const link = (name: (typeof platforms)[number], label: string, cls: string, id: string) =>
    `<a${cls === '' ? '' : ` class="${cls}"`}${withIds ? ` id="${id}"` : ''} href="${escapeHtml(downloads[name] ?? '')}" data-platform="${name}">${escapeHtml(label)}</a>`;
  const others = offered.filter((name) => name !== main);
  return [
    main === undefined
      ? ''
      : `<p class="actions">${link(main, text.download[main], 'button primary', 'download')}</p>`,
    others.length === 0
      ? ''
      : `<p class="muted">${escapeHtml(main === undefined ? '' : text.otherPlatforms)} ${others
          .map((name) =>
            link(
              name,
              main === undefined ? text.download[name] : text.platformNames[name],
              '',
              `download-${name}`,
            ),
          )
          .join(' · ')}</p>`,
  ].join('');
}

/** The page for a live invite. */
export function invitePageHtml(input: InvitePageInput): string {
  const { text, view, gameName, appLink, language, rootPath } = input;
  const game = playerText(gameName);
  const card =
    view.kind === 'named'
      ? `<section class="card" aria-labelledby="invite-title">
${view.senderPicturePath === undefined ? '' : `<img src="${escapeHtml(rootPath + view.senderPicturePath.replace(/^\//, ''))}" alt="" width="64" height="64">`}
<h1 id="invite-title">${text.invitedBy(playerText(view.senderGamertag), game)}</h1>
${view.context === undefined ? '' : `<p class="context">“${playerText(view.context)}”</p>`}
<p class="muted" id="players">${escapeHtml(text.players(view.membersCount, view.maxMembersCount))}</p>
</section>`
      : `<section class="card" aria-labelledby="invite-title">
<h1 id="invite-title">${escapeHtml(text.invitedAnonymous)}</h1>
<p class="muted">${escapeHtml(text.anonymousNote)}</p>
</section>`;
  const href = escapeHtml(appLink);
  const body = `${card}
<p id="status" role="status">${escapeHtml(text.opening)} <a id="open-link" href="${href}">${escapeHtml(text.openLink)}</a></p>
<section id="fallback" hidden aria-labelledby="fallback-title">
<h2 id="fallback-title">${escapeHtml(text.getTitle)}</h2>
<p class="muted">${escapeHtml(text.getLead)}</p>
${installers(input, true)}
<p class="actions"><a class="button" id="open-again" href="${href}">${escapeHtml(text.openAgain)}</a></p>
</section>
<noscript><h2>${escapeHtml(text.getTitle)}</h2>${installers(input, false)}</noscript>`;
  const title = view.kind === 'named' ? text.documentTitle(gameName) : text.anonymousDocumentTitle;
  return document(language, stripUnsafePlayerText(title), body, true);
}

/** The page for an unknown, expired or deleted invite (sent with 404). */
export function goneInvitePageHtml(language: PageLanguage, text: PageText): string {
  const body = `<section class="card" aria-labelledby="gone-title">
<h1 id="gone-title">${escapeHtml(text.gone)}</h1>
<p class="muted">${escapeHtml(text.goneDetail)}</p>
</section>`;
  return document(language, `${text.gone} · Rallypoint`, body, false);
}
