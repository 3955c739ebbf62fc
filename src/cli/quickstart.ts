import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { startDemoUpstream } from '../demo/upstream.js';
import { startGateway } from '../gateway/start.js';
import { createLogger } from '../log/logger.js';
import type { Listen } from '../gateway/start.js';
import { parseListen } from './listen.js';
import type { CommandResult } from './result.js';
import { untilSignal } from './signals.js';

const QUICKSTART = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/quickstart');

interface QuickstartFlags {
  config: string;
  listen: Listen;
  adminListen: Listen;
  upstreamListen: Listen;
}

export function quickstartCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('quickstart')
    .description('What `npm start` runs: a demo upstream on :9090 and the gateway on :8080 serving examples/quickstart, hot-reloaded on save.')
    .option('--config <dir>', 'manifest folder to serve', QUICKSTART)
    .option('--listen <host:port>', 'data-plane address (port 0: any free port)', parseListen, parseListen('127.0.0.1:8080'))
    .option('--admin-listen <host:port>', 'admin API address', parseListen, parseListen('127.0.0.1:8081'))
    .option('--upstream-listen <host:port>', 'demo upstream address (the manifests must point at it)', parseListen, parseListen('127.0.0.1:9090'))
    .addHelpText('after', '\nExample:\n  $ npx tollgate quickstart   # then: curl -i localhost:8080/greetings/hi')
    .action((flags: QuickstartFlags) => run(runQuickstart(flags)));
}

async function runQuickstart({ config, listen, adminListen, upstreamListen }: QuickstartFlags): Promise<CommandResult> {
  // Listen for SIGTERM/SIGINT before starting anything, so an early signal still shuts down cleanly.
  const stopRequested = untilSignal();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
  const upstream = await startDemoUpstream(upstreamListen.host, upstreamListen.port);
  const gateway = await startGateway({
    listen,
    adminListen,
    stateDir: path.resolve('.tollgate/quickstart'),
    baseDir: config,
    logger,
    embedded: { paths: [config], watch: true },
  });
  // The banner follows the first reconcile: what it tells to try works by then.
  await gateway.settled;
  process.stderr.write(
    [
      '',
      `tollgate quickstart: gateway ${gateway.url}, admin ${gateway.adminUrl}, demo upstream ${upstream.url}`,
      `serving ${path.relative(process.cwd(), config) || '.'}; edit a manifest and save: it is applied at once.`,
      '',
      `  curl -i ${gateway.url}/greetings/hi                    # 401: basic auth required`,
      `  curl -i -u demo:s3cret ${gateway.url}/greetings/hi     # 200`,
      `  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w "%{http_code}\\n" -u demo:s3cret ${gateway.url}/greetings/hi; done   # ... 429`,
      `  curl -i -H "client_id: demo-client" -H "client_secret: demo-secret" ${gateway.url}/orders/42`,
      '',
    ].join('\n') + '\n',
  );
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down');
  await gateway.close();
  await new Promise((resolve) => upstream.server.close(resolve));
  return { exitCode: 0 };
}
