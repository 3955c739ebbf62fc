import { Histogram } from './histogram.js';

export type Outcome = 'forwarded' | 'rejected' | 'upstream_error' | 'unavailable';
const OUTCOMES: readonly Outcome[] = ['forwarded', 'rejected', 'upstream_error', 'unavailable'];
const LATENCY_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

export interface ApiMetrics {
  outcomes: Record<Outcome, number>;
}

export interface PolicyMetrics {
  type: string;
  /** Rejections by status code. */
  rejections: Map<number, number>;
  latency: Histogram;
}

/**
 * Metric cells live here, keyed by api and policy name, so a reload does not
 * reset them; the request path only increments fields of objects it already holds.
 */
export class MetricsRegistry {
  private readonly apis = new Map<string, ApiMetrics>();
  private readonly policies = new Map<string, PolicyMetrics>();
  reloads = { ok: 0, failed: 0 };
  lastReloadSeconds = 0;

  api(name: string): ApiMetrics {
    let m = this.apis.get(name);
    if (!m) {
      m = { outcomes: { forwarded: 0, rejected: 0, upstream_error: 0, unavailable: 0 } };
      this.apis.set(name, m);
    }
    return m;
  }

  policy(api: string, policy: string, type: string): PolicyMetrics {
    const id = `${api}\u0000${policy}`;
    let m = this.policies.get(id);
    if (!m || m.type !== type) {
      m = { type, rejections: new Map(), latency: new Histogram(LATENCY_BUCKETS) };
      this.policies.set(id, m);
    }
    return m;
  }

  /** Forget the cells of a policy that no longer exists. */
  forgetPolicy(api: string, policy: string): void {
    this.policies.delete(`${api}\u0000${policy}`);
  }

  /** Forget the cells of an API that no longer exists, and of its policies. */
  forgetApi(api: string, policies: readonly string[]): void {
    this.apis.delete(api);
    for (const p of policies) this.forgetPolicy(api, p);
  }

  render(gauges: Record<string, number>): string {
    const out: string[] = [];
    out.push('# HELP tollgate_requests_total Requests by API and outcome.', '# TYPE tollgate_requests_total counter');
    for (const [api, m] of this.apis) for (const o of OUTCOMES) out.push(`tollgate_requests_total{api="${esc(api)}",outcome="${o}"} ${m.outcomes[o]}`);
    out.push('# HELP tollgate_policy_rejections_total Requests a policy answered itself, by status.', '# TYPE tollgate_policy_rejections_total counter');
    for (const [id, m] of this.policies) {
      const [api = '', policy = ''] = id.split('\u0000');
      for (const [status, n] of m.rejections) out.push(`tollgate_policy_rejections_total{api="${esc(api)}",policy="${esc(policy)}",type="${m.type}",status="${status}"} ${n}`);
    }
    out.push('# HELP tollgate_policy_duration_seconds Time spent in a policy on the request path.', '# TYPE tollgate_policy_duration_seconds histogram');
    for (const [id, m] of this.policies) {
      const [api = '', policy = ''] = id.split('\u0000');
      out.push(...m.latency.render('tollgate_policy_duration_seconds', `api="${esc(api)}",policy="${esc(policy)}",type="${m.type}"`));
    }
    out.push('# HELP tollgate_reloads_total Applied and refused reloads.', '# TYPE tollgate_reloads_total counter');
    out.push(`tollgate_reloads_total{result="ok"} ${this.reloads.ok}`, `tollgate_reloads_total{result="failed"} ${this.reloads.failed}`);
    out.push('# HELP tollgate_reload_duration_seconds Duration of the last successful reload.', '# TYPE tollgate_reload_duration_seconds gauge', `tollgate_reload_duration_seconds ${this.lastReloadSeconds}`);
    for (const [name, value] of Object.entries(gauges)) out.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    return out.join('\n') + '\n';
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
