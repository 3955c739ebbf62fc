import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { locate } from '../manifest/source.js';
import type { ApiManifest, EnvironmentManifest, ManifestSet } from '../manifest/types.js';

/** Two APIs of one environment may not serve the same path, nor one inside the other. */
export function basePathDiagnostics(set: ManifestSet, environments: readonly EnvironmentManifest[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const env of environments) {
    // Shortest first, so every clash is reported on the API that sits inside (or repeats) another.
    const deployed = set.apis
      .filter((a) => a.spec.environments.includes(env.name))
      .sort((a, b) => a.spec.basePath.length - b.spec.basePath.length);
    const owners = new Map<string, ApiManifest>();
    for (const api of deployed) {
      const clash = enclosing(api.spec.basePath, owners);
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
      } else owners.set(api.spec.basePath, api);
    }
  }
  return out;
}

/** The API owning `basePath` or one of its segment-wise prefixes (/a owns /a/b, not /ab). */
function enclosing(basePath: string, owners: ReadonlyMap<string, ApiManifest>): ApiManifest | undefined {
  const root = owners.get('/');
  if (root) return root;
  let prefix = basePath;
  for (;;) {
    const owner = owners.get(prefix);
    if (owner) return owner;
    const cut = prefix.lastIndexOf('/');
    if (cut <= 0) return undefined;
    prefix = prefix.slice(0, cut);
  }
}
