export interface Painter {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const identity = (s: string) => s;
const sgr = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;

export function paint(enabled: boolean): Painter {
  if (!enabled) return { red: identity, yellow: identity, green: identity, dim: identity, bold: identity };
  return { red: sgr(31), yellow: sgr(33), green: sgr(32), dim: sgr(2), bold: sgr(1) };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorWanted(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}
