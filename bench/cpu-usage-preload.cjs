/**
 * Loaded with `--require` into every process the cold-start bench starts: writes the process's CPU
 * time so far (user + system, all threads, in ms) as one line to file descriptor 3, at exit and
 * when the bench sends SIGUSR2 (which it does the moment `activate`'s first PUT arrives, before it
 * kills the process). CPU time is far less disturbed than wall time by other work on the machine.
 */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const { writeSync } = require('node:fs');

function report() {
  const usage = process.cpuUsage();
  try {
    writeSync(3, `${(usage.user + usage.system) / 1000}\n`);
  } catch {
    // The bench closed its end: nothing to report to.
  }
}

process.once('exit', report);
process.on('SIGUSR2', report);
