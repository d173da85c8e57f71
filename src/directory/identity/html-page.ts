/**
 * The local sign-in pages' HTML: one escaped template so nothing a request carries (gamertags,
 * redirect URIs, states) can become markup.
 */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => entities[character] ?? character);
}

/** A whole page with a title and already escaped body markup. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input,select,button{font:inherit;padding:.3rem}
.note{color:#555}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
<p class="note">Local development sign-in (Rallypoint directory). No password: pick a development account.</p>
${body}</main></body></html>`;
}

/** The account fields both sign-in forms share: gamertag, optional XUID, optional XSTS refusal. */
export function accountFields(refusals: readonly number[]): string {
  const options = refusals.map((code) => `<option value="${code}">XErr ${code}</option>`).join('');
  return `<label>Gamertag <input name="gamertag" required maxlength="15" autocomplete="off"></label>
<label>XUID (optional) <input name="xuid" inputmode="numeric" maxlength="20" autocomplete="off"></label>
<label>XSTS answer <select name="xerr"><option value="">sign in normally</option>${options}</select></label>`;
}
