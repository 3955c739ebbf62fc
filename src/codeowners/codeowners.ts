import { patternToRegExp } from './pattern.js';

/** Where GitHub looks for the file, in this order; the first one found is used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  /** Empty: the matched files have no owner (a later rule can carve them out of an earlier one). */
  owners: string[];
  line: number;
  matches: RegExp;
}

export interface Codeowners {
  /** Repository path of the CODEOWNERS file that was read. */
  file: string;
  rules: CodeownersRule[];
}

export function parseCodeowners(file: string, text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    // A # starts a comment anywhere it follows whitespace (or at the start of the line).
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const [pattern, ...owners] = line.split(/\s+/) as [string, ...string[]];
    rules.push({ pattern, owners, line: index + 1, matches: patternToRegExp(pattern) });
  });
  return { file, rules };
}

/** Owners of a repository path: the last matching rule wins; [] when no rule matches or the rule names nobody. */
export function ownersOf(codeowners: Codeowners, repoPath: string): string[] {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i] as CodeownersRule;
    if (rule.matches.test(repoPath)) return rule.owners;
  }
  return [];
}
