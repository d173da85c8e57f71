/**
 * The demo game as a Node program (dist/demo-game/demo-game.js): the launcher starts it in
 * development, the `rallypoint` command line and the tests start it directly. The game itself is
 * src/demo-game/run-demo-game.ts; this entry only hands it the process's arguments and stdio.
 */
import { runDemoGame } from './run-demo-game';

runDemoGame({
  argv: process.argv.slice(2),
  input: process.stdin,
  output: process.stdout,
  joinId: process.env['RALLYPOINT_JOIN_ID'],
  exit: (code) => process.exit(code),
});
