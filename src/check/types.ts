import type { AlertChange } from '../alerts/compare.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Change } from '../plan/types.js';
import type { TestResult } from '../policy-tests/types.js';
import type { Selector } from '../labels/selector.js';
import type { ReplayReport } from '../replay/report.js';

export interface CheckOptions {
  /** The ref the pull request merges into; undefined: the remote's default branch (origin/HEAD), else main or master. */
  base?: string;
  /** The ref under review; undefined: the working tree (files on disk). */
  head?: string;
  /** Manifest files or folders, relative to the current directory. */
  paths: string[];
  /** A limit raised by this factor or more is reported (rate limits, spike control, SLA tiers). */
  rateLimitFactor: number;
  /** Run the Apis' policy tests on the head (their ${env:NAME} secrets come from process.env). */
  tests: boolean;
  /** Review only what this label selector selects, on both sides. */
  selector?: Selector;
  /** Follow links outside the manifest folders (the working tree's). */
  followExternalLinks?: boolean;
  /** Access-record files to replay through the base and the head of every environment both define. */
  replay?: string[];
}

/** Something the change does that a reviewer should see: a diagnostic positioned in the head files. */
export interface Finding extends Diagnostic {
  /** The environments it holds in (absent when it is not about one environment). */
  environments?: string[];
  /** Who has to agree, from CODEOWNERS: each file concerned with its owners ([] = nobody). */
  owners?: { file: string; owners: string[] }[];
}

export interface EnvironmentPlan {
  environment: string;
  /** added/removed: the environment exists only at the head/base. */
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** What turns the base's desired state into the head's (secrets compared as references). */
  changes: Change[];
  /** What turns the base's alerts of the environment into the head's (evaluated by the reconciler, not the gateway). */
  alerts: AlertChange[];
}

export interface CheckedSide {
  ref: string;
  /** Absent for the working tree. */
  commit?: string;
}

export interface CheckReport {
  base: CheckedSide;
  head: CheckedSide;
  /** The current directory inside the repository ('' at its root): files are named relative to it. */
  directory: string;
  /** Manifest files that differ between base and head. */
  changedFiles: string[];
  /** Validation of the head: every problem, positioned. */
  validation: Diagnostic[];
  findings: Finding[];
  plans: EnvironmentPlan[];
  /** Policy-test results of the head (empty when they were not run). */
  tests: TestResult[];
  testsRun: boolean;
  /** Recorded traffic replayed through both sides, per environment (absent without --replay). */
  replay?: { environment: string; report: ReplayReport }[];
  /** The CODEOWNERS file used, if the repository has one. */
  codeowners?: string;
  /** The severities chosen (config file, --warnings-as-errors): validation and findings carry them already, test results get them when reported. */
  severity?: { levels: Record<string, string>; warningsAsErrors: boolean };
}
