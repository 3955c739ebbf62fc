/** What a command hands back to the entry point, which alone writes and exits. */
export interface CommandResult {
  stdout?: string;
  stderr?: string;
  exitCode: number;
}
