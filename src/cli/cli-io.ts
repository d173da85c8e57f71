/** Where a command writes; tests and the demo pass the process streams, or capture the lines. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
