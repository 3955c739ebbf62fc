import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ErrorCatalog, TollgateError, type ErrorCode } from '../errors/catalog.js';
import { CORE_YAML } from '../manifest/yaml-core.js';
import { severityAllowed } from '../errors/severity.js';

/** Where the config file is looked for when neither --config-file nor TOLLGATE_CONFIG_FILE names one. */
export const DEFAULT_CONFIG_FILE = '.tollgate.yaml';

export type SeverityOverride = 'error' | 'warning' | 'off';

/** A config file's value of one option, with where it was written (for messages). */
export interface ConfigValue {
  value: unknown;
  where: string;
}

export interface ConfigFile {
  /** Absolute path of the file read; undefined when there is none. */
  file?: string;
  /** Options for one command: its `commands.<name>` section over the top level. */
  options(command: string): Map<string, ConfigValue>;
  /** Manifest paths for commands that take them, when none are given on the command line. */
  paths?: string[];
  severity: Map<ErrorCode, SeverityOverride>;
}

export const NO_CONFIG: ConfigFile = { options: () => new Map(), severity: new Map() };

/** What the file may hold: the options each command has, by long name. */
export type KnownOptions = ReadonlyMap<string, ReadonlySet<string>>;

const SEVERITIES: readonly SeverityOverride[] = ['error', 'warning', 'off'];

/**
 * Reads the config file: `explicit` must exist; without it, `.tollgate.yaml` in
 * `cwd` is read when it is there (hidden, so manifest discovery never takes it
 * for a manifest). Relative paths in it are relative to its folder.
 *
 *   env: production            # any option, by its long name, for every command that has it
 *   selector: team=payments
 *   paths: [manifests]         # manifest paths, when the command line gives none
 *   commands:                  # per command, over the top level
 *     reconcile: { interval: 30s, self-heal: true }
 *   severity:                  # per diagnostic code: error, warning or off
 *     TG_PLAINTEXT_SECRET: error
 */
export function loadConfigFile(
  explicit: string | undefined,
  cwd: string,
  known: KnownOptions,
  pathOptions: ReadonlySet<string>,
): ConfigFile {
  const file = explicit !== undefined ? path.resolve(cwd, explicit) : path.join(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit !== undefined) throw new TollgateError('TG_CONFIG', `config file ${explicit} does not exist`);
    return NO_CONFIG;
  }
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...CORE_YAML, lineCounter, prettyErrors: false, strict: true });
  const display = path.relative(cwd, file) || file;
  const at = (node: Node | null | undefined) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${display}:${line}:${col}`;
  };
  const fail = (node: Node | null | undefined, message: string): never => {
    throw new TollgateError('TG_CONFIG', `${at(node)}: ${message}`);
  };
  if (doc.errors.length) {
    const { line, col } = lineCounter.linePos(doc.errors[0]?.pos[0] ?? 0);
    throw new TollgateError('TG_CONFIG', `${display}:${line}:${col}: ${doc.errors[0]?.message.split('\n')[0]}`);
  }
  const dir = path.dirname(file);
  const anyCommand = new Set([...known.values()].flatMap((s) => [...s]));
  const top = new Map<string, ConfigValue>();
  const perCommand = new Map<string, Map<string, ConfigValue>>();
  const severity = new Map<ErrorCode, SeverityOverride>();
  let paths: string[] | undefined;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { file, options: () => new Map(), severity };
  if (!isMap(root)) fail(root, 'the config file must be a mapping of option names to values');

  const scalarValue = (node: unknown, long: string, place: string): ConfigValue => {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object')
      return fail(node as Node, `${place}: ${long} takes one value (a string, number or true/false)`);
    let value: unknown = node.value;
    if (pathOptions.has(long) && typeof value === 'string') value = path.resolve(dir, value);
    return { value, where: `${at(node)} (${place})` };
  };
  const readOptions = (
    map: YAMLMap,
    allowed: ReadonlySet<string>,
    place: string,
    into: Map<string, ConfigValue>,
    strict: boolean,
  ) => {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (strict ? !allowed.has(key) : !anyCommand.has(key)) {
        const hint = suggest(key, strict ? [...allowed] : [...anyCommand, 'commands', 'severity', 'paths']);
        fail(pair.key as Node, `${place}: no option "${key}"${hint ? `; did you mean "${hint}"?` : ''}`);
      }
      into.set(key, scalarValue(pair.value, key, place));
    }
  };

  for (const pair of (root as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'commands') {
      if (!isMap(pair.value)) fail(pair.value as Node, 'commands: a mapping of command names to their options');
      for (const section of (pair.value as YAMLMap).items) {
        const name = isScalar(section.key) ? String(section.key.value) : '';
        const allowed = known.get(name);
        if (!allowed)
          fail(section.key as Node, `commands: no command "${name}" (commands: ${[...known.keys()].join(', ')})`);
        if (!isMap(section.value)) fail(section.value as Node, `commands.${name}: a mapping of option names to values`);
        const into = new Map<string, ConfigValue>();
        readOptions(section.value as YAMLMap, allowed as ReadonlySet<string>, `commands.${name}`, into, true);
        perCommand.set(name, into);
      }
    } else if (key === 'severity') {
      if (!isMap(pair.value))
        fail(pair.value as Node, 'severity: a mapping of diagnostic codes (TG_...) to error, warning or off');
      for (const entry of (pair.value as YAMLMap).items) {
        const code = isScalar(entry.key) ? String(entry.key.value) : '';
        if (!(code in ErrorCatalog))
          fail(
            entry.key as Node,
            `severity: no diagnostic code "${code}"${suggest(code, Object.keys(ErrorCatalog)) ? `; did you mean "${suggest(code, Object.keys(ErrorCatalog))}"?` : ''}`,
          );
        const level = isScalar(entry.value) ? String(entry.value.value) : '';
        if (!SEVERITIES.includes(level as SeverityOverride))
          fail(entry.value as Node, `severity.${code}: "${level}" is not one of ${SEVERITIES.join(', ')}`);
        if (!severityAllowed(code as ErrorCode, level as SeverityOverride))
          fail(
            entry.value as Node,
            `severity.${code}: ${code} is an error the gateway enforces as well; it can be raised, not lowered`,
          );
        severity.set(code as ErrorCode, level as SeverityOverride);
      }
    } else if (key === 'paths') {
      const list = isSeq(pair.value) ? pair.value.items : [pair.value];
      paths = list.map((item) => {
        if (!isScalar(item) || typeof item.value !== 'string')
          return fail(item as Node, 'paths: manifest files or folders, as a list of strings');
        const absolute = path.resolve(dir, item.value);
        const relative = path.relative(cwd, absolute);
        // Named as the user would (files are reported by these names): relative to the current folder when inside it.
        return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
      });
    } else {
      readOptions({ items: [pair] } as unknown as YAMLMap, anyCommand, 'top level', top, false);
    }
  }
  return {
    file,
    options: (command) =>
      new Map([...[...top].filter(([k]) => known.get(command)?.has(k)), ...(perCommand.get(command) ?? [])]),
    ...(paths ? { paths } : {}),
    severity,
  };
}

/** The closest name within two edits, for "did you mean". */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= 2 && (!best || d < best.distance)) best = { candidate, distance: d };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
