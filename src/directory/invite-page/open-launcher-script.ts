/**
 * The web invite page's only script, served as a file of its own so the page's Content Security
 * Policy needs no inline script. Its name carries a hash of its text (a new version is a new
 * URL, so it may be cached for a year) and the page loads it with Subresource Integrity.
 *
 * It opens the app link at once (as soon as the page has loaded). When the page is still in front after `data-wait-ms`, the
 * launcher did not take the link (not installed, or the visitor dismissed the browser's prompt),
 * so it shows the "Get Rallypoint" part with the installer and "Open again"; when the page lost
 * focus meanwhile (the launcher came to the front), that part appears only once the visitor is
 * back. Plain ES5 and no globals: it runs in any browser that follows links.
 */
import { createHash } from 'node:crypto';

/** The script's text. It reads the link from `#open-link`, so the page carries it once. */
export const openLauncherScript = `'use strict';
(function () {
  var open = document.getElementById('open-link');
  var fallback = document.getElementById('fallback');
  var again = document.getElementById('open-again');
  var status = document.getElementById('status');
  if (!open || !fallback || !again) return;
  var link = open.getAttribute('href');
  var waitMs = Number(document.body.getAttribute('data-wait-ms')) || 3000;
  var timer = 0;
  var away = false;
  function offerInstaller() {
    fallback.hidden = false;
    if (status) status.hidden = true;
  }
  function settle() {
    if (!away && !document.hidden) offerInstaller();
  }
  function attempt() {
    away = false;
    window.clearTimeout(timer);
    window.location.href = link;
    timer = window.setTimeout(settle, waitMs);
  }
  window.addEventListener('blur', function () {
    away = true;
  });
  window.addEventListener('focus', function () {
    if (away) offerInstaller();
  });
  document.addEventListener('visibilitychange', function () {
    if (document.hidden) away = true;
  });
  again.addEventListener('click', function (event) {
    event.preventDefault();
    attempt();
  });
  // After the page has loaded (the sender's picture included): a navigation started earlier could
  // cut those loads short in some browsers.
  if (document.readyState === 'complete') attempt();
  else window.addEventListener('load', attempt);
})();
`;

const digest = createHash('sha384').update(openLauncherScript).digest();

/** `open-launcher.<12 hex digits>.js`, below `/invite/`. */
export const openLauncherScriptFile = `open-launcher.${digest.toString('hex').slice(0, 12)}.js`;

/** The `integrity` attribute's value. */
export const openLauncherScriptIntegrity = `sha384-${digest.toString('base64')}`;
