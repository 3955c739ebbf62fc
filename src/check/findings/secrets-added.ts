import { diagnostic } from '../../errors/diagnostic.js';
import type { ManifestSet } from '../../manifest/types.js';
import { secretDiagnostics } from '../../validate/secrets.js';
import type { Finding } from '../types.js';

/**
 * Plain-text secrets the head has and the base had not (same file, same place,
 * same secret named): validation warns about every plain-text secret, this
 * makes the ones a pull request adds an error. Only changed files can add one.
 */
export function addedSecretFindings(
  base: ManifestSet,
  head: ManifestSet,
  changedFiles: ReadonlySet<string>,
): Finding[] {
  const key = (d: { file?: string; path?: string; message: string }) => `${d.file}\0${d.path}\0${d.message}`;
  const before = new Set(secretDiagnostics(inFiles(base, changedFiles)).map(key));
  return secretDiagnostics(inFiles(head, changedFiles))
    .filter((d) => !before.has(key(d)))
    .map((d) => {
      const where =
        d.file === undefined || d.line === undefined || d.col === undefined
          ? undefined
          : { file: d.file, line: d.line, col: d.col };
      return diagnostic(
        'TG_SECRET_ADDED',
        `${d.message.replace(/; use a reference.*$/, '')}, added by this change: it stays in the git history, so rotate it`,
        where,
        d.path,
      );
    });
}

function inFiles(set: ManifestSet, files: ReadonlySet<string>): ManifestSet {
  const keep = <T extends { source: { file: string } }>(list: readonly T[]) =>
    list.filter((m) => files.has(m.source.file));
  return {
    environments: keep(set.environments),
    apis: keep(set.apis),
    applications: keep(set.applications),
    alerts: keep(set.alerts ?? []),
    invalidNames: set.invalidNames,
  };
}
