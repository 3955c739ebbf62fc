import { pino } from 'pino';
import { ControlEngine } from '../../src/gateway/control/engine.js';
import { directLink } from '../../src/gateway/control/link.js';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import { DataPlaneRuntime } from '../../src/gateway/data-plane/runtime.js';
import { secretCheckKey } from '../../src/secrets/sealed.js';

/** A gateway's control side and data-plane runtime in this thread, without listeners: for planning and applying in tests. */
export async function inProcessGateway(options: { stateDir?: string } = {}) {
  const logger = pino({ level: 'silent' });
  const counters = new MemoryCounterStore();
  const runtime = new DataPlaneRuntime({ logger, counters, baseDir: process.cwd(), nodeName: 'in-process' });
  const engine = new ControlEngine({
    logger,
    link: directLink(runtime),
    secretCheckKey: secretCheckKey('in-process-test-token'),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
  });
  await engine.start();
  return {
    engine,
    runtime,
    async close() {
      await engine.close();
      await runtime.close();
      counters.close();
    },
  };
}
