import type { AlertDefinition } from './definitions.js';
import type { ApiCounts, NodeCounts } from './counts.js';

/** A state change of one alert for one API (and one node, for node-scoped alerts). */
export interface AlertEvent {
  alert: AlertDefinition;
  api: string;
  /** The node whose counts fired it; undefined for environment-scoped alerts. */
  node: string | undefined;
  state: 'firing' | 'resolved';
  /** The value of the last period (requests, refusals or responses counted; the average response time in ms). */
  value: number | null;
  at: number;
}

export interface AlertStatus {
  alert: string;
  api: string;
  node?: string;
  state: 'ok' | 'firing';
  since: number;
  /** The last period's value; null when there was nothing to measure (no request for a response-time alert). */
  value: number | null;
  consecutive: number;
}

/** Counts of each node, as read now; a node that cannot be read is left out of this period. */
export type CountsSource = () => Promise<Map<string, NodeCounts>>;

interface Track {
  consecutive: number;
  firing: boolean;
  since: number;
  value: number | null;
}

interface Running {
  definition: AlertDefinition;
  timer: NodeJS.Timeout;
  /** The counts the current period started with, per node. */
  baseline: Map<string, NodeCounts> | undefined;
  tracks: Map<string, Track>;
}

/**
 * Evaluates alerts continuously, period after period, from cumulative counts:
 * a period's value is the difference between the readings that bound it (a
 * node that restarted counts from zero again). An alert fires when its
 * condition held for `periods` consecutive periods, and resolves when a period
 * no longer meets it: state changes only, as the reference's alerts do. The
 * first period of an alert only takes its baseline.
 */
export class AlertEvaluator {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly options: { counts: CountsSource; onEvent: (event: AlertEvent) => void; now?: () => number },
  ) {}

  /** The alerts to evaluate from now on; an alert whose condition is unchanged keeps its state and rhythm. */
  define(alerts: readonly AlertDefinition[]): void {
    const wanted = new Map(alerts.map((a) => [a.name, a]));
    for (const [name, running] of this.running) {
      const next = wanted.get(name);
      if (next && next.identity === running.definition.identity) {
        running.definition = next;
        continue;
      }
      clearInterval(running.timer);
      this.running.delete(name);
    }
    for (const alert of alerts) {
      if (this.running.has(alert.name)) continue;
      const running: Running = {
        definition: alert,
        baseline: undefined,
        tracks: new Map(),
        timer: setInterval(() => void this.evaluate(running), alert.periodMs),
      };
      running.timer.unref();
      this.running.set(alert.name, running);
      void this.evaluate(running);
    }
  }

  status(): AlertStatus[] {
    const out: AlertStatus[] = [];
    for (const running of this.running.values()) {
      for (const [key, track] of running.tracks) {
        const [api = '', node] = key.split('\0');
        out.push({
          alert: running.definition.name,
          api,
          ...(node ? { node } : {}),
          state: track.firing ? 'firing' : 'ok',
          since: track.since,
          value: track.value,
          consecutive: track.consecutive,
        });
      }
    }
    return out.sort((a, b) =>
      `${a.alert}\0${a.api}\0${a.node ?? ''}`.localeCompare(`${b.alert}\0${b.api}\0${b.node ?? ''}`),
    );
  }

  close(): void {
    for (const running of this.running.values()) clearInterval(running.timer);
    this.running.clear();
  }

  private async evaluate(running: Running): Promise<void> {
    const counts = await this.options.counts().catch(() => new Map<string, NodeCounts>());
    if (this.running.get(running.definition.name) !== running) return;
    const baseline = running.baseline;
    running.baseline = counts;
    if (!baseline) return;
    const { definition } = running;
    const now = (this.options.now ?? Date.now)();
    for (const api of definition.apis) {
      const deltas: { node: string; delta: ApiCounts }[] = [];
      for (const [node, nodeCounts] of counts) {
        const current = nodeCounts[api];
        if (current) deltas.push({ node, delta: difference(current, baseline.get(node)?.[api]) });
      }
      if (definition.scope === 'environment') {
        if (deltas.length)
          this.judge(
            running,
            api,
            undefined,
            valueOf(
              definition,
              deltas.map((d) => d.delta),
            ),
            now,
          );
      } else {
        for (const { node, delta } of deltas) this.judge(running, api, node, valueOf(definition, [delta]), now);
      }
    }
  }

  private judge(running: Running, api: string, node: string | undefined, value: number | null, now: number): void {
    const { definition } = running;
    const key = node === undefined ? api : `${api}\0${node}`;
    const track = running.tracks.get(key) ?? { consecutive: 0, firing: false, since: now, value: null };
    running.tracks.set(key, track);
    track.value = value;
    const holds = value !== null && meets(definition, value);
    track.consecutive = holds ? track.consecutive + 1 : 0;
    if (!track.firing && track.consecutive >= definition.periods) {
      track.firing = true;
      track.since = now;
      this.options.onEvent({ alert: definition, api, node, state: 'firing', value, at: now });
    } else if (track.firing && !holds) {
      track.firing = false;
      track.since = now;
      this.options.onEvent({ alert: definition, api, node, state: 'resolved', value, at: now });
    }
  }
}

function meets(definition: AlertDefinition, value: number): boolean {
  switch (definition.operator) {
    case 'greater':
      return value > definition.threshold;
    case 'less':
      return value < definition.threshold;
    case 'equal':
      return value === definition.threshold;
  }
}

/** The period's value for an alert, over the deltas of one node or of every node of the environment. */
function valueOf(definition: AlertDefinition, deltas: readonly ApiCounts[]): number | null {
  const sum = (pick: (d: ApiCounts) => number) => deltas.reduce((total, d) => total + pick(d), 0);
  switch (definition.type) {
    case 'request-count':
      return sum((d) => d.requests);
    case 'policy-violation':
      return sum((d) =>
        definition.policy === undefined
          ? Object.values(d.rejections).reduce((a, b) => a + b, 0)
          : (d.rejections[definition.policy] ?? 0),
      );
    case 'response-code':
      return sum((d) => definition.codes.reduce((total, code) => total + (d.statuses[String(code)] ?? 0), 0));
    case 'response-time': {
      const count = sum((d) => d.latencyCount);
      return count === 0 ? null : Math.round((sum((d) => d.latencySumMs) / count) * 1000) / 1000;
    }
  }
}

/** What happened between two readings; a reading lower than the one before means the node restarted: it counts from zero. */
function difference(current: ApiCounts, before: ApiCounts | undefined): ApiCounts {
  if (!before || current.requests < before.requests) return current;
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Math.max(0, v - (b[k] ?? 0))]));
  return {
    requests: current.requests - before.requests,
    statuses: minus(current.statuses, before.statuses),
    latencySumMs: Math.max(0, current.latencySumMs - before.latencySumMs),
    latencyCount: Math.max(0, current.latencyCount - before.latencyCount),
    rejections: minus(current.rejections, before.rejections),
  };
}
