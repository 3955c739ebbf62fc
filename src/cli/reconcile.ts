import path from 'node:path';
import { createLogger } from '../log/logger.js';
import { nodeTargets } from '../reconcile/apply-environment.js';
import { environmentNodes } from '../reconcile/environment-nodes.js';
import { Reconciler } from '../reconcile/reconciler.js';
import { createReconcileServer } from '../reconcile/server.js';
import { FolderSource } from '../reconcile/sources/folder.js';
import { GitSource } from '../reconcile/sources/git.js';
import { LeaderLease } from '../reconcile/leader-lease.js';
import { resolveSecret } from '../secrets/references.js';
import type { ManifestSource } from '../reconcile/sources/types.js';
import type { Selector } from '../labels/selector.js';
import type { CommandSpec } from './command.js';
import {
  ADOPT,
  ALLOW_EMPTY,
  ENV_FILTER,
  FOLLOW_EXTERNAL_LINKS,
  LISTEN,
  LOG_LEVEL,
  PRUNE,
  SECRET_ENV,
  SELECTOR,
  STATE_DIR,
} from './options.js';
import type { Listen } from '../gateway/start.js';
import type { CommandResult } from './result.js';
import { untilSignal } from './signals.js';

interface ReconcileFlags {
  env?: string;
  source?: string;
  git?: string;
  branch: string;
  path?: string;
  interval: number;
  driftInterval: number;
  selfHeal: boolean;
  prune: boolean;
  allowEmpty: boolean;
  listen: Listen;
  stateDir: string;
  webhookSecretEnv: string;
  leaderElection?: string;
  leaseTtl: number;
  logLevel: string;
  selector?: Selector;
  adopt: boolean;
  followExternalLinks: boolean;
}

export const reconcileSpec: CommandSpec = {
  name: 'reconcile',
  description:
    "Keep an environment's gateway nodes in line with manifests in a folder or a git branch: watch, poll, webhook, drift detection.",
  options: [
    ENV_FILTER('environment to reconcile (needed when the manifests define several)'),
    {
      long: 'source',
      value: '<dir>',
      kind: 'path',
      description: 'a manifest folder, watched for saved changes (a mounted ConfigMap too)',
    },
    FOLLOW_EXTERNAL_LINKS,
    {
      long: 'git',
      value: '<url>',
      kind: 'string',
      description: 'a git repository (URL or path), polled and fetched on webhook',
    },
    {
      long: 'branch',
      value: '<name>',
      kind: 'string',
      default: 'main',
      description: 'with --git: the branch to follow',
    },
    {
      long: 'path',
      value: '<dir>',
      kind: 'string',
      defaultNote: 'the repository root',
      description: 'with --git: the folder of the manifests inside the repository',
    },
    {
      long: 'interval',
      value: '<duration>',
      kind: 'duration',
      default: '60s',
      description: 'with --git: poll interval (±10% jitter)',
    },
    {
      long: 'drift-interval',
      value: '<duration>',
      kind: 'duration',
      default: '30s',
      description: 'how often live state is compared with the last applied revision (0: never)',
    },
    {
      long: 'self-heal',
      kind: 'boolean',
      default: 'false',
      description: 'put drifted nodes back to the last applied revision',
    },
    PRUNE(),
    { ...ALLOW_EMPTY, description: 'with --prune: allow a revision that deploys no API to delete every API' },
    SELECTOR,
    ADOPT,
    LISTEN('listen', 'status API, /metrics and POST /hooks/git', '127.0.0.1:8090'),
    STATE_DIR('.tollgate/reconcile', 'where the git working copy is kept'),
    SECRET_ENV('webhook-secret-env', 'TOLLGATE_WEBHOOK_SECRET', 'environment variable holding the webhook secret'),
    {
      long: 'leader-election',
      value: '<redis-url>',
      kind: 'string',
      description:
        'elect one applying reconciler among several through a Redis lease (a ${env:NAME} reference is resolved)',
    },
    {
      long: 'lease-ttl',
      value: '<duration>',
      kind: 'duration',
      default: '5s',
      description: 'with --leader-election: lease lifetime; a dead leader is replaced within about this long',
    },
    LOG_LEVEL,
  ],
  help: "Node admin tokens come from the ${env:...} references of the Environment.\n\nExamples:\n  $ tollgate reconcile --env production --git https://github.com/acme/gateway-config.git --branch main --path manifests --self-heal\n  $ tollgate reconcile --env sandbox --source ./manifests --listen 127.0.0.1:8090\n  $ tollgate reconcile --env production --git <url> --leader-election '${env:REDIS_URL}'   # run it twice or more for availability\n  $ tollgate reconcile --env production --source /etc/tollgate/manifests --selector team=payments --prune   # one team's APIs on a shared gateway",
  run: ({ flags }) => runReconcile(flags as unknown as ReconcileFlags),
};

async function runReconcile(flags: ReconcileFlags): Promise<CommandResult> {
  // Listen for SIGTERM/SIGINT before starting anything, so an early signal still shuts down cleanly.
  const stopRequested = untilSignal();
  if (Boolean(flags.source) === Boolean(flags.git))
    return { stderr: 'error TG_USAGE: give exactly one of --source <dir> or --git <url>\n', exitCode: 1 };
  if (flags.leaderElection && !flags.env)
    return { stderr: 'error TG_USAGE: --leader-election needs --env (the lease is per environment)\n', exitCode: 1 };
  let redisUrl: string | undefined;
  try {
    redisUrl = flags.leaderElection === undefined ? undefined : resolveSecret(flags.leaderElection);
  } catch (err) {
    return { stderr: `error TG_SECRET_UNRESOLVED: --leader-election: ${(err as Error).message}\n`, exitCode: 1 };
  }
  const logger = createLogger(flags.logLevel);
  let reconciler: Reconciler | undefined;
  const lease = redisUrl
    ? new LeaderLease({
        redisUrl,
        environment: flags.env as string,
        ttlMs: flags.leaseTtl,
        logger,
        onChange: (leading) => {
          if (leading) void reconciler?.trigger('became leader', true);
        },
      })
    : undefined;
  const source: ManifestSource = flags.git
    ? new GitSource({
        url: flags.git,
        branch: flags.branch,
        subPath: flags.path ?? '',
        workdir: path.resolve(flags.stateDir, 'checkout'),
        intervalMs: flags.interval,
      })
    : new FolderSource([flags.source as string], { watch: true });
  reconciler = new Reconciler({
    ...(flags.env ? { environment: flags.env } : {}),
    ...(lease ? { leadership: lease } : {}),
    source,
    targets: (manifests, environment) => {
      const { nodes, missing, problems } = environmentNodes(manifests, environment);
      if (missing.length) return { error: `unset environment variable(s) for node tokens: ${missing.join(', ')}` };
      if (problems.length) return { error: `admin TLS material cannot be read: ${problems.join('; ')}` };
      if (nodes.length === 0) return { error: `environment "${environment}" lists no gateway nodes` };
      return nodeTargets(nodes);
    },
    prune: flags.prune,
    allowEmpty: flags.allowEmpty,
    ...(flags.selector ? { selector: flags.selector } : {}),
    adopt: flags.adopt,
    followExternalLinks: flags.followExternalLinks,
    selfHeal: flags.selfHeal,
    driftIntervalMs: flags.driftInterval,
    logger,
  });
  const webhookSecret = process.env[flags.webhookSecretEnv];
  const server = createReconcileServer({
    reconciler,
    logger,
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(flags.git ? { branch: flags.branch } : {}),
  });
  await server.listen({ host: flags.listen.host, port: flags.listen.port });
  const address = server.server.address();
  const url =
    typeof address === 'object' && address
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : String(address);
  logger.info(
    {
      url,
      source: source.description,
      environment: flags.env,
      webhook: Boolean(webhookSecret),
      identity: lease?.identity,
    },
    'reconciler listening',
  );
  await lease?.start();
  await reconciler.start();
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down: the reconcile in flight finishes first');
  await reconciler.close();
  await lease?.close();
  await server.close();
  return { exitCode: 0 };
}
