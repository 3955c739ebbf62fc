import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { locate } from '../manifest/source.js';
import type { ApiManifest, EnvironmentManifest, ManifestSet } from '../manifest/types.js';

/** Two APIs of one environment may not serve the same path, nor one inside the other. */
export function basePathDiagnostics(set: ManifestSet, environments: readonly EnvironmentManifest[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const env of environments) {
    const deployed = set.apis.filter((a) => a.spec.environments.includes(env.name)).sort((a, b) => a.spec.basePath.length - b.spec.basePath.length);
    const seen: ApiManifest[] = [];
    for (const api of deployed) {
      const clash = seen.find((other) => contains(other.spec.basePath, api.spec.basePath));
      if (clash) {
        const how = clash.spec.basePath === api.spec.basePath ? 'the same base path as' : 'a base path inside that of';
        out.push(
          diagnostic(
            'TG_BASE_PATH_OVERLAP',
            `Api "${api.name}" (${api.spec.basePath}) has ${how} Api "${clash.name}" (${clash.spec.basePath}) in environment "${env.name}"`,
            locate(api.source, ['spec', 'basePath']),
            'spec.basePath',
          ),
        );
      }
      seen.push(api);
    }
  }
  return out;
}

/** Segment-wise prefix: /a contains /a/b but not /ab. */
function contains(outer: string, inner: string): boolean {
  if (outer === '/') return true;
  return inner === outer || inner.startsWith(outer + '/');
}
