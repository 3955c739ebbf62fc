import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { mapBounded } from '../util/bounded.js';
import { takeInventory, type DiscoverOptions, type FileStat, type Inventory } from './discover.js';
import type { LoadedFile, ManifestFileCache } from './file-cache.js';
import { DEFAULT_MANIFEST_LIMITS, formatBytes, type ManifestLimits } from './limits.js';
import { schemaDiagnostics } from './schema-errors.js';
import { policyConfigSchemaErrors } from '../policies/config-check.js';
import { schemas } from './schemas.js';
import { locate, parseManifestText, type SourceDocument } from './source.js';
import type { Kind, Manifest, ManifestSet, PolicySpec } from './types.js';

export const API_VERSION = 'tollgate.dev/v1';
const KINDS: readonly Kind[] = ['Environment', 'Api', 'Application', 'Certificate', 'Alert'];

export interface LoadResult {
  manifests: ManifestSet;
  diagnostics: Diagnostic[];
  files: string[];
  /** sha256 over every file's name and content digest: the revision of a folder. */
  digest: string;
}

/**
 * Reads every manifest under `paths` (files or folders); with a cache, unchanged
 * files are not parsed again. Files over the limits are not read at all.
 * `inventory`: what takeInventory found under `paths` for this very read.
 */
export async function loadManifests(
  paths: readonly string[],
  cache?: ManifestFileCache,
  limits: Readonly<ManifestLimits> = DEFAULT_MANIFEST_LIMITS,
  discover: DiscoverOptions = {},
  inventory?: Inventory,
): Promise<LoadResult> {
  const discovered = inventory ?? (await takeInventory(paths, discover));
  const { missing } = discovered;
  const diagnostics = missing.map((p) => diagnostic('TG_FILE_UNREADABLE', `no such file or folder: ${p}`));
  for (const link of discovered.skippedLinks)
    diagnostics.push(
      diagnostic('TG_LINK_NOT_FOLLOWED', `${link.path} is ${link.reason}`, { file: link.path, line: 1, col: 1 }),
    );
  const { files, stats, problems } = withinLimits(discovered.files, discovered.stats, limits);
  diagnostics.push(...problems);
  // Read in parallel (bounded: thousands of files must not exhaust descriptors), kept in file order.
  // Bytes, not text: a cached file is compared as is, and only a changed one is decoded. A file whose stat
  // is the one it had when it was read is not read at all.
  type Read =
    | { file: string; known: LoadedFile }
    | { file: string; content: Buffer; stat: FileStat | undefined }
    | { file: string; error: string };
  const read = await mapBounded(files, 16, (file): Promise<Read> => {
    const stat = stats.get(file);
    const known = stat && cache?.unchanged(stat);
    if (known) return Promise.resolve({ file, known });
    return readFile(file).then<Read, Read>(
      (content) => ({ file, content, stat }),
      (err: NodeJS.ErrnoException) => ({ file, error: err.code ?? 'error' }),
    );
  });
  const loaded: { file: string; loaded: LoadedFile }[] = [];
  for (const r of read) {
    if ('error' in r) diagnostics.push(diagnostic('TG_FILE_UNREADABLE', `cannot read ${r.file}: ${r.error}`));
    else if ('known' in r) loaded.push({ file: r.file, loaded: r.known });
    else
      loaded.push({
        file: r.file,
        loaded: cache ? cache.load(r.file, r.content, loadFile, r.stat) : loadFile(r.file, r.content.toString()),
      });
  }
  cache?.retainOnly(loaded.map((l) => l.file));
  const result = assemble(loaded);
  result.diagnostics.unshift(...diagnostics);
  if (discovered.files.length === 0 && missing.length === 0) {
    result.diagnostics.push(diagnostic('TG_NO_MANIFESTS', `no .yaml or .yml manifest under ${paths.join(', ')}`));
  }
  return result;
}

/** Parses and schema-checks manifests given as text (from disk or from a git ref). */
export function loadManifestTexts(texts: readonly { file: string; text: string }[]): LoadResult {
  return assemble(texts.map(({ file, text }) => ({ file, loaded: loadFile(file, text) })));
}

/** The loaded files, in their order, as one manifest set. */
function assemble(files: readonly { file: string; loaded: LoadedFile }[]): LoadResult {
  const manifests: ManifestSet = {
    environments: [],
    apis: [],
    applications: [],
    certificates: [],
    invalidNames: {
      Environment: new Set(),
      Api: new Set(),
      Application: new Set(),
      Certificate: new Set(),
      Alert: new Set(),
    },
  };
  const diagnostics: Diagnostic[] = [];
  const hash = createHash('sha256');
  for (const { file, loaded } of files) {
    hash.update(`${file}\0${loaded.digest}\0`);
    diagnostics.push(...loaded.diagnostics);
    for (const manifest of loaded.manifests) add(manifests, manifest);
    for (const { kind, name } of loaded.invalid) manifests.invalidNames[kind].add(name);
  }
  return { manifests, diagnostics, files: files.map((f) => f.file), digest: `sha256:${hash.digest('hex')}` };
}

function loadFile(file: string, text: string): LoadedFile {
  const parsed = parseManifestText(file, text);
  const loaded: LoadedFile = {
    digest: createHash('sha256').update(text).digest('hex'),
    manifests: [],
    invalid: [],
    diagnostics: [...parsed.diagnostics],
  };
  for (const { kind, name } of parsed.unreadable)
    if (KINDS.includes(kind as Kind)) loaded.invalid.push({ kind: kind as Kind, name });
  for (const source of parsed.documents) {
    const checked = checkDocument(source);
    loaded.diagnostics.push(...checked.diagnostics);
    if (checked.manifest) loaded.manifests.push(checked.manifest);
    if (checked.invalid) loaded.invalid.push(checked.invalid);
  }
  return loaded;
}

function add(set: ManifestSet, manifest: Manifest): void {
  if (manifest.kind === 'Environment') set.environments.push(manifest);
  else if (manifest.kind === 'Api') set.apis.push(manifest);
  else if (manifest.kind === 'Certificate') (set.certificates ??= []).push(manifest);
  else if (manifest.kind === 'Alert') (set.alerts ??= []).push(manifest);
  else set.applications.push(manifest);
}

/**
 * A policy written without `config:` gets `{}` from the document schema after
 * the per-type branch ran, so that branch never saw it: check every policy's
 * config against its type's schema here (filling its defaults, so a policy
 * means the same with and without an empty config). A config the schema
 * refuses makes the document invalid, like any other schema error: no later
 * check sees it.
 */
function policyConfigDiagnostics(
  source: SourceDocument,
  policies: readonly PolicySpec[],
  withoutConfig: ReadonlySet<number>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  policies.forEach((policy, i) => {
    const errors = policyConfigSchemaErrors(policy.type, policy.config);
    if (!errors.length) return;
    const context = withoutConfig.has(i) ? `${policy.type} "${policy.name}" has no config: ` : '';
    out.push(...schemaDiagnostics(source, errors, ['spec', 'policies', i, 'config'], 'TG_SCHEMA', context));
  });
  return out;
}

/** Indexes of the policies written without `config:`, read before the schema fills it in. */
function policiesWithoutConfig(doc: Record<string, unknown>): Set<number> {
  const policies = (doc.spec as { policies?: unknown } | undefined)?.policies;
  const out = new Set<number>();
  if (Array.isArray(policies))
    policies.forEach((p, i) => typeof p === 'object' && p !== null && !('config' in p) && out.add(i));
  return out;
}

interface CheckedDocument {
  manifest?: Manifest;
  /** A document of a known kind that failed its schema: its name still counts as defined. */
  invalid?: { kind: Kind; name: string };
  diagnostics: Diagnostic[];
}

function checkDocument(source: SourceDocument): CheckedDocument {
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      diagnostics: [
        diagnostic(
          'TG_UNKNOWN_KIND',
          'a manifest must be a mapping with apiVersion, kind, metadata and spec',
          locate(source, []),
        ),
      ],
    };
  }
  const doc = value as Record<string, unknown>;
  const name = (doc.metadata as { name?: unknown } | undefined)?.name;
  const invalid =
    KINDS.includes(doc.kind as Kind) && typeof name === 'string' ? { invalid: { kind: doc.kind as Kind, name } } : {};
  if (doc.apiVersion !== API_VERSION) {
    const got = JSON.stringify(doc.apiVersion ?? null);
    return {
      ...invalid,
      diagnostics: [
        diagnostic(
          'TG_UNKNOWN_KIND',
          `apiVersion must be "${API_VERSION}", got ${got}`,
          locate(source, ['apiVersion']),
          'apiVersion',
        ),
      ],
    };
  }
  const kind = doc.kind as Kind;
  if (!KINDS.includes(kind)) {
    const got = JSON.stringify(doc.kind ?? null);
    return {
      diagnostics: [
        diagnostic(
          'TG_UNKNOWN_KIND',
          `kind must be one of ${KINDS.join(', ')}, got ${got}`,
          locate(source, ['kind']),
          'kind',
        ),
      ],
    };
  }
  const validate = schemas().kinds[kind];
  const withoutConfig = kind === 'Application' ? new Set<number>() : policiesWithoutConfig(doc);
  if (!validate(doc)) return { ...invalid, diagnostics: schemaDiagnostics(source, validate.errors ?? []) };
  if (kind === 'Environment' || kind === 'Api') {
    const diagnostics = policyConfigDiagnostics(
      source,
      (doc.spec as { policies: PolicySpec[] }).policies,
      withoutConfig,
    );
    if (diagnostics.length) return { ...invalid, diagnostics };
  }
  const labels = (doc.metadata as { labels?: Record<string, string> }).labels;
  const manifest = {
    kind,
    name: name as string,
    spec: doc.spec,
    source,
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  } as Manifest;
  return { manifest, diagnostics: [] };
}

/** Files a revision may read: none over the per-file limit, and none at all when the total is over the repository limit. */
function withinLimits(
  files: readonly string[],
  stats: readonly FileStat[],
  limits: Readonly<ManifestLimits>,
): { files: string[]; stats: Map<string, FileStat>; problems: Diagnostic[] } {
  const byFile = new Map(stats.map((s) => [s.file, s]));
  const total = stats.reduce((sum, s) => sum + s.size, 0);
  if (total > limits.maxRepositoryBytes) {
    const message = `the manifests total ${formatBytes(total)} in ${stats.length} files, over the limit of ${formatBytes(limits.maxRepositoryBytes)} per revision; nothing was read. Split the repository by environment or team, or raise the limit (--max-repository-size)`;
    return { files: [], stats: byFile, problems: [diagnostic('TG_MANIFEST_TOO_LARGE', message)] };
  }
  const problems: Diagnostic[] = [];
  const tooLarge = new Set<string>();
  for (const s of stats) {
    if (s.size <= limits.maxFileBytes) continue;
    tooLarge.add(s.file);
    problems.push(
      diagnostic(
        'TG_MANIFEST_TOO_LARGE',
        `${formatBytes(s.size)}, over the limit of ${formatBytes(limits.maxFileBytes)} per manifest file; it was not read. Split it into several files, or raise the limit (--max-file-size)`,
        { file: s.file, line: 1, col: 1 },
      ),
    );
  }
  return { files: files.filter((f) => !tooLarge.has(f)), stats: byFile, problems };
}
