import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CommandInput } from '../../src/cli/command.js';
import { buildProgram } from '../../src/cli/program.js';
import { validatePaths } from '../../src/validate/index.js';
import { ROOT } from '../helpers/gateway-process.js';
import type { Container } from 'kubernetes-types/core/v1.js';

/**
 * deploy/: the Kubernetes manifests type-check against the Kubernetes resource
 * types (kubernetes-types, compiled by tsc: unknown fields and wrong types
 * fail), their containers' command lines and TOLLGATE_* variables are ones
 * tollgate accepts, the probes reach the ports tollgate listens on, the
 * ConfigMap's manifests validate; the systemd unit runs tollgate as a
 * non-root user with a StateDirectory and stops it with SIGTERM.
 */

const KUBERNETES = path.join(ROOT, 'deploy/kubernetes');
const TYPES: Record<string, { module: string; type: string }> = {
  'apps/v1/Deployment': { module: 'kubernetes-types/apps/v1', type: 'Deployment' },
  'v1/Service': { module: 'kubernetes-types/core/v1', type: 'Service' },
  'v1/ConfigMap': { module: 'kubernetes-types/core/v1', type: 'ConfigMap' },
  'v1/PersistentVolumeClaim': { module: 'kubernetes-types/core/v1', type: 'PersistentVolumeClaim' },
};

/** What these tests read of a Deployment's or a Service's spec (tsc checks the whole objects against kubernetes-types). */
interface K8sSpec {
  template: { spec: { containers: Container[]; securityContext: { runAsNonRoot?: boolean } } };
  strategy: { type: string };
  replicas: number;
  ports: { port: number }[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: K8sSpec;
  data?: Record<string, string>;
}

function objects(): { file: string; object: K8sObject }[] {
  return readdirSync(KUBERNETES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(KUBERNETES, file), 'utf8')).map((doc) => {
        expect(doc.errors, file).toEqual([]);
        return { file, object: doc.toJS() as K8sObject };
      }),
    );
}

/** The CLI's reading of a command line with an environment: what the process would run with. */
async function tollgateInput(
  args: string[],
  env: Record<string, string>,
): Promise<{ command: string; input: CommandInput }> {
  let captured: { command: string; input: Promise<CommandInput> } | undefined;
  const { program } = buildProgram((spec, input) => (captured = { command: spec.name, input }), env);
  program.exitOverride();
  await program.parseAsync(['node', 'tollgate', ...args]);
  if (!captured) throw new Error('nothing dispatched');
  return { command: captured.command, input: await captured.input };
}

const containerEnv = (container: Container): Record<string, string> =>
  Object.fromEntries(
    (container.env ?? []).map((e) => [e.name, e.value ?? `from-secret-${e.valueFrom?.secretKeyRef?.key}`]),
  );

describe('deploy/kubernetes', () => {
  it('every object is a Kubernetes resource of its kind (tsc against kubernetes-types)', () => {
    const all = objects();
    expect(all.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/tollgate-gateway-state',
      'Deployment/tollgate-gateway',
      'Service/tollgate-gateway',
      'Service/tollgate-gateway-admin',
      'ConfigMap/tollgate-manifests',
      'Deployment/tollgate-reconciler',
      'Service/tollgate-reconciler',
    ]);
    const imports = new Map<string, Set<string>>();
    const lines: string[] = [];
    all.forEach(({ file, object }, i) => {
      const t = TYPES[`${object.apiVersion}/${object.kind}`];
      if (!t) throw new Error(`${file}: no type for ${object.apiVersion} ${object.kind}`);
      imports.set(t.module, new Set([...(imports.get(t.module) ?? []), t.type]));
      // A literal: excess-property checks apply, so a misspelt field fails too.
      lines.push(
        `// ${file}: ${object.kind}/${object.metadata.name}`,
        `export const object${i}: ${t.type} = ${JSON.stringify(object, null, 2)};`,
      );
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-k8s-types-'));
    const source = [
      ...[...imports].map(([module, types]) => `import type { ${[...types].sort().join(', ')} } from '${module}';`),
      ...lines,
    ].join('\n');
    writeFileSync(path.join(dir, 'objects.ts'), source);
    writeFileSync(
      path.join(dir, 'broken.ts'),
      `import type { Deployment } from 'kubernetes-types/apps/v1';\nexport const d: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'two', selector: {}, template: {} } };\n`,
    );
    const tsc = (file: string) =>
      spawnSync(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/typescript/bin/tsc'),
          '--noEmit',
          '--strict',
          '--exactOptionalPropertyTypes',
          '--target',
          'ES2022',
          '--module',
          'NodeNext',
          '--moduleResolution',
          'NodeNext',
          '--skipLibCheck',
          'false',
          path.join(dir, file),
        ],
        { encoding: 'utf8', cwd: dir },
      );
    // The package, as a project that depends on it has it.
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules/kubernetes-types'), path.join(dir, 'node_modules/kubernetes-types'));
    const ok = tsc('objects.ts');
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    // The check can fail: a wrong type is an error.
    const broken = tsc('broken.ts');
    expect(broken.status).not.toBe(0);
    expect(broken.stdout).toMatch(/broken\.ts\(2,\d+\): error TS2322/);
  }, 120_000);

  it("the containers' command lines and TOLLGATE_* variables are tollgate's; the probes reach its status listeners", async () => {
    for (const { object } of objects().filter((o) => o.object.kind === 'Deployment')) {
      for (const container of object.spec.template.spec.containers) {
        const env = containerEnv(container);
        const { command, input } = await tollgateInput(container.args ?? [], env);
        for (const name of Object.keys(env).filter((n) => n.startsWith('TOLLGATE_'))) {
          const flag = name
            .slice('TOLLGATE_'.length)
            .toLowerCase()
            .replace(/_/g, '-')
            .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
          expect(input.sources[flag], `${object.metadata.name}: ${name} is an option of tollgate ${command}`).toBe(
            'env',
          );
        }
        const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
        const listening =
          command === 'gateway'
            ? (input.flags.statusListen as { port: number })
            : (input.flags.listen as { port: number });
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(ports.get(String(probe?.httpGet?.port)), `${object.metadata.name} probe`).toBe(listening.port);
          expect(command === 'gateway' ? ['/readyz', '/healthz'] : ['/healthz']).toContain(probe?.httpGet?.path);
        }
        if (command === 'gateway') {
          expect(input.flags.stateDir).toBe('/var/lib/tollgate');
          expect(container.volumeMounts?.map((m) => m.mountPath)).toContain('/var/lib/tollgate');
          expect(object.spec.strategy.type).toBe('Recreate');
          expect(input.flags.adminToken).toBe('from-secret-admin-token');
        } else {
          expect(command).toBe('reconcile');
          expect(input.flags.leaderElection).toBe('${env:REDIS_URL}');
          expect(object.spec.replicas).toBeGreaterThan(1);
          expect(container.volumeMounts?.find((m) => m.name === 'manifests')?.mountPath).toBe(input.flags.source);
        }
        expect(object.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      }
    }
  });

  it("the ConfigMap's manifests are valid, and name the admin Service the gateway exposes", async () => {
    const all = objects();
    const configMap = all.find((o) => o.object.kind === 'ConfigMap')?.object as K8sObject;
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-k8s-manifests-'));
    for (const [name, text] of Object.entries(configMap.data ?? {})) writeFileSync(path.join(dir, name), text);
    const result = await validatePaths([dir]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const admin = all.find((o) => o.object.metadata.name === 'tollgate-gateway-admin')?.object as K8sObject;
    expect(result.manifests.environments[0]?.spec.nodes[0]?.adminUrl).toBe(
      `http://${admin.metadata.name}:${admin.spec.ports[0]?.port}`,
    );
  });
});

describe('deploy/systemd', () => {
  const unit = readFileSync(path.join(ROOT, 'deploy/systemd/tollgate-gateway.service'), 'utf8');
  const entries = (section: string) =>
    (unit.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '')
      .split('\n')
      .filter((l) => /^\w+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);

  it('a non-root user, a StateDirectory that is the state dir, SIGTERM, and a command line tollgate accepts', async () => {
    const service = entries('Service');
    const value = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);
    expect(value('User')).toEqual(['tollgate']);
    expect(value('DynamicUser')).toEqual(['yes']);
    expect(value('StateDirectory')).toEqual(['tollgate']);
    expect(value('KillSignal')).toEqual(['SIGTERM']);
    const env = Object.fromEntries(
      value('Environment').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    expect(env.TOLLGATE_STATE_DIR).toBe('/var/lib/tollgate');
    const exec = value('ExecStart')[0]?.split(' ') ?? [];
    expect(exec.slice(0, 2)).toEqual(['/usr/bin/node', '/opt/tollgate/bin/tollgate.js']);
    const { command, input } = await tollgateInput(exec.slice(2), env);
    expect(command).toBe('gateway');
    expect(input.flags.stateDir).toBe('/var/lib/tollgate');
    expect(input.sources.stateDir).toBe('env');
    expect(entries('Install')).toEqual([['WantedBy', 'multi-user.target']]);
  });

  it.skipIf(spawnSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0)(
    'systemd-analyze verify accepts it',
    () => {
      const run = spawnSync('systemd-analyze', ['verify', path.join(ROOT, 'deploy/systemd/tollgate-gateway.service')], {
        encoding: 'utf8',
      });
      expect(
        run.stderr.split('\n').filter((l) => l && !/node|tollgate\.js|Command .* is not executable/.test(l)),
      ).toEqual([]);
    },
  );
});
