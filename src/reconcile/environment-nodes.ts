import type { ManifestSet } from '../manifest/types.js';
import { referencedVariable } from '../secrets/references.js';
import type { GatewayNode } from './admin-client.js';

/** The gateway nodes of an environment with their tokens resolved; missing variables are named, never guessed. */
export function environmentNodes(set: ManifestSet, env: string, processEnv: NodeJS.ProcessEnv = process.env): { nodes: GatewayNode[]; missing: string[]; unknown: boolean } {
  const manifest = set.environments.find((e) => e.name === env);
  if (!manifest) return { nodes: [], missing: [], unknown: true };
  const missing: string[] = [];
  const nodes = manifest.spec.nodes.map((n) => {
    let token = '';
    if (typeof n.token === 'string') {
      const name = referencedVariable(n.token);
      token = name === undefined ? n.token : (processEnv[name] ?? '');
      if (name !== undefined && !token) missing.push(name);
    }
    return { name: n.name, adminUrl: n.adminUrl, token };
  });
  return { nodes, missing, unknown: false };
}
