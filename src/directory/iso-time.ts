/**
 * ISO 8601 timestamps for the documents the directory writes (`joinTime`, `startTime`,
 * `nextTimer`). `Date.prototype.toISOString` costs most of a microsecond; a join writes one, and at
 * thousands of joins a second most of them fall in a second whose text was already made. So the
 * text up to the seconds is kept for the last second seen and only the milliseconds are appended.
 */

let cachedSecond = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of `cachedSecond`. */
let cachedPrefix = '';

/** Exactly `new Date(value).toISOString()`, for any time value a `Date` accepts. */
export function isoTime(value: number): string {
  // A Date drops the fraction of a millisecond, towards zero.
  const ms = Math.trunc(value);
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const full = new Date(value).toISOString();
    // Years outside 0000–9999 are written with a sign and six digits; those are not cached.
    if (full.length !== 24) return full;
    cachedSecond = second;
    cachedPrefix = full.slice(0, 20);
    return full;
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
