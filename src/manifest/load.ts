import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { discoverManifestFiles } from './discover.js';
import { schemaDiagnostics } from './schema-errors.js';
import { policyConfigValidator, schemas } from './schemas.js';
import { locate, parseManifestText, type SourceDocument } from './source.js';
import type { Kind, Manifest, ManifestSet, PolicySpec } from './types.js';

export const API_VERSION = 'tollgate.dev/v1';
const KINDS: readonly Kind[] = ['Environment', 'Api', 'Application'];

export interface LoadResult {
  manifests: ManifestSet;
  diagnostics: Diagnostic[];
  files: string[];
  /** sha256 over every file's name and content: the revision of a folder. */
  digest: string;
}

/** Reads every manifest under `paths` (files or folders). */
export async function loadManifests(paths: readonly string[]): Promise<LoadResult> {
  const { files, missing } = await discoverManifestFiles(paths);
  const diagnostics = missing.map((p) => diagnostic('TG_FILE_UNREADABLE', `no such file or folder: ${p}`));
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (err) {
      diagnostics.push(diagnostic('TG_FILE_UNREADABLE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`));
    }
  }
  const result = loadManifestTexts(texts);
  result.diagnostics.unshift(...diagnostics);
  if (files.length === 0 && missing.length === 0) {
    result.diagnostics.push(diagnostic('TG_NO_MANIFESTS', `no .yaml or .yml manifest under ${paths.join(', ')}`));
  }
  return result;
}

/** Parses and schema-checks manifests given as text (from disk or from a git ref). */
export function loadManifestTexts(texts: readonly { file: string; text: string }[]): LoadResult {
  const manifests: ManifestSet = {
    environments: [],
    apis: [],
    applications: [],
    invalidNames: { Environment: new Set(), Api: new Set(), Application: new Set() },
  };
  const diagnostics: Diagnostic[] = [];
  for (const { file, text } of texts) {
    const parsed = parseManifestText(file, text);
    diagnostics.push(...parsed.diagnostics);
    for (const { kind, name } of parsed.unreadable) if (KINDS.includes(kind as Kind)) manifests.invalidNames[kind as Kind].add(name);
    for (const source of parsed.documents) {
      const checked = checkDocument(source);
      diagnostics.push(...checked.diagnostics);
      if (checked.manifest) add(manifests, checked.manifest);
      if (checked.invalid) manifests.invalidNames[checked.invalid.kind].add(checked.invalid.name);
    }
  }
  const hash = createHash('sha256');
  for (const { file, text } of texts) hash.update(file).update('\0').update(text).update('\0');
  return { manifests, diagnostics, files: texts.map((t) => t.file), digest: `sha256:${hash.digest('hex')}` };
}

function add(set: ManifestSet, manifest: Manifest): void {
  if (manifest.kind === 'Environment') set.environments.push(manifest);
  else if (manifest.kind === 'Api') set.apis.push(manifest);
  else set.applications.push(manifest);
}

/**
 * A policy written without `config:` gets `{}` from the document schema after
 * the per-type branch ran: fill its type's defaults now, so a policy means the
 * same with and without an empty config (and plans compare like with like).
 */
function fillPolicyDefaults(policies: PolicySpec[]): void {
  for (const policy of policies) policyConfigValidator(policy.type)(policy.config);
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
    return { diagnostics: [diagnostic('TG_UNKNOWN_KIND', 'a manifest must be a mapping with apiVersion, kind, metadata and spec', locate(source, []))] };
  }
  const doc = value as Record<string, unknown>;
  const name = (doc.metadata as { name?: unknown } | undefined)?.name;
  const invalid = KINDS.includes(doc.kind as Kind) && typeof name === 'string' ? { invalid: { kind: doc.kind as Kind, name } } : {};
  if (doc.apiVersion !== API_VERSION) {
    const got = JSON.stringify(doc.apiVersion ?? null);
    return { ...invalid, diagnostics: [diagnostic('TG_UNKNOWN_KIND', `apiVersion must be "${API_VERSION}", got ${got}`, locate(source, ['apiVersion']), 'apiVersion')] };
  }
  const kind = doc.kind as Kind;
  if (!KINDS.includes(kind)) {
    const got = JSON.stringify(doc.kind ?? null);
    return { diagnostics: [diagnostic('TG_UNKNOWN_KIND', `kind must be one of ${KINDS.join(', ')}, got ${got}`, locate(source, ['kind']), 'kind')] };
  }
  const validate = schemas().kinds[kind];
  if (!validate(doc)) return { ...invalid, diagnostics: schemaDiagnostics(source, validate.errors ?? []) };
  if (kind !== 'Application') fillPolicyDefaults((doc.spec as { policies: PolicySpec[] }).policies);
  return { manifest: { kind, name: name as string, spec: doc.spec, source } as Manifest, diagnostics: [] };
}
