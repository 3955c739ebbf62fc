import { pino, type Logger } from 'pino';
import type { ApiState, ApplicationState } from '../model/types.js';
import { compileApi } from '../gateway/chain/compile.js';
import type { CompiledApi } from '../gateway/chain/compiled.js';
import { isolatedServices } from './isolated-services.js';
import type { TestClock } from './test-clock.js';

/** One Api compiled as the gateway compiles it, with counters of its own that live as long as one test. */
export interface TestChain {
  api: CompiledApi;
  logger: Logger;
  /** What policies logged as errors since the last call (e.g. why a request got a 500). */
  takeErrors(): string[];
  close(): Promise<void>;
}

/** `api` and `applications` must have their secrets resolved and sealed, as the gateway receives them. */
export async function compileTestChain(
  api: ApiState,
  applications: readonly ApplicationState[],
  clock: TestClock,
  baseDir: string,
): Promise<TestChain> {
  // Only errors are kept: they explain a 500 in a failure message.
  let errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(describeLogLine(line)) });
  const isolated = isolatedServices(logger, clock, baseDir);
  try {
    const { compiled } = await compileApi(api, applications, 'policy-test', isolated.services);
    return {
      api: compiled,
      logger,
      takeErrors() {
        const taken = errors;
        errors = [];
        return taken;
      },
      async close() {
        for (const policy of compiled.policies) policy.handlers.dispose?.();
        await isolated.close();
      },
    };
  } catch (err) {
    await isolated.close();
    throw err;
  }
}

function describeLogLine(line: string): string {
  const record = JSON.parse(line) as { msg?: string; policy?: string; err?: string };
  return `${record.policy ? `policy "${record.policy}": ` : ''}${record.msg ?? 'error'}${record.err ? `: ${record.err}` : ''}`;
}
