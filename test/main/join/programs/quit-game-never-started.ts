/**
 * Starts a game whose program is missing and, before Node has reported that, asks it to quit and
 * kills it; prints how it ended. `game-never-started.test.ts` bundles it and runs it in a fresh
 * process in a process group of its own: signalling such a child would reach this group.
 */
import { GameProcess } from '../../../../src/main/join/game-process';

const game = GameProcess.start('/nonexistent/rallypoint-game', []);
const quitting = game.quit(5_000);
game.kill();
const exit = await game.exited;
process.stdout.write(`${JSON.stringify({ exit, quit: (await quitting) === exit })}\n`);
