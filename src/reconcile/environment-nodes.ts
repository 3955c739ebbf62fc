import path from 'node:path';
import type { GatewayNodeSpec, ManifestSet } from '../manifest/types.js';
import { referencedVariable } from '../secrets/references.js';
import { absoluteFileReference, describeSource } from '../tls/references.js';
import { LOCAL_READERS, resolveTlsValue, type TlsReaders } from '../tls/resolve.js';
import type { AdminTls, GatewayNode } from './admin-client.js';

/**
 * The gateway nodes of an environment with their tokens resolved, and the TLS
 * material for https:// admin URLs (a CA, a client certificate and key for
 * mTLS) resolved here, by the reconciler, from its environment and files.
 * Missing variables and unreadable files are named, never guessed.
 */
export function environmentNodes(
  set: ManifestSet,
  env: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): { nodes: GatewayNode[]; missing: string[]; problems: string[]; unknown: boolean } {
  const manifest = set.environments.find((e) => e.name === env);
  if (!manifest) return { nodes: [], missing: [], problems: [], unknown: true };
  const missing: string[] = [];
  const problems: string[] = [];
  const readers: TlsReaders = { env: processEnv, readFile: LOCAL_READERS.readFile };
  const nodes = manifest.spec.nodes.map((n) => {
    let token = '';
    if (typeof n.token === 'string') {
      const name = referencedVariable(n.token);
      token = name === undefined ? n.token : (processEnv[name] ?? '');
      if (name !== undefined && !token) missing.push(name);
    }
    const node: GatewayNode = { name: n.name, adminUrl: n.adminUrl, token };
    const tls = adminTls(n, manifest.source.file, readers, problems);
    if (tls) node.tls = tls;
    return node;
  });
  return { nodes, missing, problems, unknown: false };
}

function adminTls(
  node: GatewayNodeSpec,
  manifestFile: string,
  readers: TlsReaders,
  problems: string[],
): AdminTls | undefined {
  if (node.ca === undefined && node.clientCertificate === undefined) return undefined;
  const tls: AdminTls = {};
  const read = (field: 'ca' | 'clientCertificate' | 'clientKey'): string | undefined => {
    const value = node[field];
    if (value === undefined) return undefined;
    const absolute = absoluteFileReference(value, path.resolve(manifestFile));
    const resolved = resolveTlsValue(absolute, readers);
    if (resolved.ok) return resolved.text;
    problems.push(`node ${node.name}: ${field} (${describeSource(absolute)}): ${resolved.reason}`);
    return undefined;
  };
  const ca = read('ca');
  if (ca) tls.ca = ca;
  const cert = read('clientCertificate');
  const key = read('clientKey');
  if (cert && key) {
    tls.cert = cert;
    tls.key = key;
  }
  return tls;
}
