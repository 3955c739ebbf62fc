import { diagnostic } from '../../errors/diagnostic.js';
import type { EnvironmentState } from '../../model/types.js';
import { plural } from '../../output/diagnostics.js';
import type { PolicyTotals, ReplayReport } from '../../replay/report.js';
import type { HeadLocator, Where } from './locator.js';
import type { Finding } from '../types.js';

/**
 * What replayed traffic says about a change, as findings: per API and policy,
 * the recorded requests the head would refuse that the base admitted (at the
 * head's policy), and those the base refused that the head admits (at the
 * policy, or the list it left).
 */
export function replayFindings(
  environment: string,
  report: ReplayReport,
  head: EnvironmentState,
  locate: HeadLocator,
): Finding[] {
  const findings: Finding[] = [];
  for (const totals of report.policies) {
    if (totals.policy === null || (totals.change !== 'newly-refused' && totals.change !== 'newly-admitted')) continue;
    const where = policyWhere(environment, totals, head, locate);
    const example = exampleOf(report, totals);
    const who = `${plural(totals.requests, 'recorded request')} of ${plural(totals.clients, 'client')}`;
    const message =
      totals.change === 'newly-refused'
        ? `replayed traffic: ${who} to ${totals.api} would be refused ${totals.status} by ${totals.policy}, which the base admitted${example}`
        : `replayed traffic: ${who} to ${totals.api} that ${totals.policy} refused ${totals.status} at the base would be admitted${example}`;
    const finding: Finding = diagnostic(
      totals.change === 'newly-refused' ? 'TG_REPLAY_REFUSED' : 'TG_REPLAY_ADMITTED',
      message,
      where?.position,
      where?.path,
    );
    finding.environments = [environment];
    findings.push(finding);
  }
  return findings;
}

function policyWhere(
  environment: string,
  totals: PolicyTotals,
  head: EnvironmentState,
  locate: HeadLocator,
): Where | undefined {
  const api = head.apis.find((a) => a.name === totals.api);
  const policy = api?.chain.find((p) => p.name === totals.policy);
  if (policy) return locate.policy(environment, totals.api, policy);
  return locate.policyList(environment, totals.api, 'api') ?? locate.api(totals.api, ['spec']);
}

function exampleOf(report: ReplayReport, totals: PolicyTotals): string {
  const group = report.changes.find(
    (g) => g.api === totals.api && g.policy === totals.policy && g.change === totals.change,
  );
  const e = group?.examples[0];
  return e && group ? ` (e.g. ${e.method} ${e.path} of ${group.client} at ${e.time})` : '';
}
