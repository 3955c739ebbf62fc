import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stateToManifests } from '../dump/to-manifests.js';
import { matches, type Selector } from '../labels/selector.js';
import { loadManifests } from '../manifest/load.js';
import { withCertificates } from '../model/certificates.js';
import type { EnvironmentState } from '../model/types.js';
import { AdminClient } from '../reconcile/admin-client.js';
import { environmentNodes } from '../reconcile/environment-nodes.js';
import type { CommandInput, CommandSpec } from './command.js';
import { ENV_REQUIRED, SELECTOR } from './options.js';
import type { CommandResult } from './result.js';

export const dumpSpec: CommandSpec = {
  name: 'dump',
  description: "Write a node's live state as manifests (validate accepts them; applied back they plan zero changes).",
  paths: 'manifests that define the environment and its nodes',
  options: [
    ENV_REQUIRED('dump'),
    {
      long: 'node',
      value: '<name>',
      kind: 'string',
      defaultNote: 'the first that answers',
      description: 'node to read',
    },
    {
      long: 'out',
      value: '<dir>',
      kind: 'path',
      defaultNote: 'stdout',
      description: 'write environment.yaml, apis/<name>.yaml and applications.yaml here',
    },
    {
      long: 'secrets-as-refs',
      kind: 'boolean',
      default: 'false',
      description: 'write ${env:NAME} references instead of the stored salted hashes',
    },
    {
      ...SELECTOR,
      description:
        'write only the Apis, Applications and Certificates this selector owns on the gateway or whose labels match it',
    },
  ],
  help: 'Secrets are never written: credentials come out as the salted hashes the gateway stores (or as references).\n\nExamples:\n  $ tollgate dump --env production --out live/ examples/multi-env\n  $ tollgate dump --env sandbox --secrets-as-refs . > sandbox.yaml\n  $ tollgate dump --env production --selector team=payments --out payments/ .',
  run: runDump,
};

interface DumpFlags {
  env: string;
  node?: string;
  out?: string;
  secretsAsRefs: boolean;
  selector?: Selector;
  followExternalLinks: boolean;
}

/** What a selector owns (its mark) or matches (the labels the state keeps); every object without one. */
function selected(state: EnvironmentState, selector: Selector | undefined): EnvironmentState {
  if (!selector) return state;
  const keep = <T extends { owner?: string; labels?: Record<string, string> }>(items: readonly T[]) =>
    items.filter((o) => o.owner === selector.canonical || matches(selector, o.labels));
  return withCertificates(
    { environment: state.environment, apis: keep(state.apis), applications: keep(state.applications) },
    state,
    keep(state.certificates ?? []),
  );
}

async function runDump(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as DumpFlags;
  const paths = input.paths;
  const loaded = await loadManifests(paths, undefined, undefined, { followExternalLinks: flags.followExternalLinks });
  const { nodes, missing, problems, unknown } = environmentNodes(loaded.manifests, flags.env);
  if (problems.length)
    return {
      stderr: `error TG_TLS_KEY: the admin TLS material of these nodes cannot be read: ${problems.join('; ')}\n`,
      exitCode: 1,
    };
  if (unknown)
    return {
      stderr: `error TG_UNKNOWN_ENV_FILTER: environment "${flags.env}" is not defined in ${paths.join(', ')}\n`,
      exitCode: 1,
    };
  // Nodes often share one token variable: name each once.
  if (missing.length)
    return {
      stderr: `error TG_SECRET_UNRESOLVED: set ${[...new Set(missing)].join(', ')} (admin tokens of the nodes)\n`,
      exitCode: 1,
    };
  const candidates = flags.node ? nodes.filter((n) => n.name === flags.node) : nodes;
  if (candidates.length === 0)
    return { stderr: `error TG_NO_NODES: no node ${flags.node ?? ''} in environment "${flags.env}"\n`, exitCode: 1 };
  const errors: string[] = [];
  for (const node of candidates) {
    let view;
    try {
      view = await new AdminClient(node).getState();
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    if (!view.state) return { stderr: `error: node ${node.name} holds no state yet\n`, exitCode: 1 };
    const envManifest = loaded.manifests.environments.find((e) => e.name === flags.env);
    const dumped = stateToManifests(selected(view.state, flags.selector), {
      nodes: envManifest?.spec.nodes ?? [],
      secretsAsRefs: flags.secretsAsRefs,
      ...(envManifest?.labels ? { environmentLabels: envManifest.labels } : {}),
    });
    const note = dumped.variables.length
      ? `the dump references these environment variables: ${dumped.variables.join(', ')}\n`
      : '';
    if (!flags.out)
      return {
        stdout: [...dumped.files.values()].join('---\n'),
        stderr: `dumped node ${node.name} at revision ${view.revision}\n${note}`,
        exitCode: 0,
      };
    for (const [file, text] of dumped.files) {
      const target = path.join(flags.out, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    return {
      stdout: `dumped node ${node.name} at revision ${view.revision} into ${flags.out} (${dumped.files.size} files)\n${note}`,
      exitCode: 0,
    };
  }
  return { stderr: errors.map((e) => `error: ${e}`).join('\n') + '\n', exitCode: 1 };
}
