import type { SeverityPolicy } from '../errors/severity.js';
import type { Selector } from '../labels/selector.js';
import type { CommandInput } from './command.js';
import type { ContextOptions } from './environment-context.js';

/** The flags every command that loads an environment's manifests has (options.ts declares them). */
export interface EnvironmentFlags {
  selector?: Selector;
  adopt: boolean;
  followExternalLinks: boolean;
  warningsAsErrors?: boolean;
}

/** The flags of the commands that plan against an environment's nodes (plan, apply). */
export interface PlanningFlags extends EnvironmentFlags {
  env: string;
  prune: boolean;
  allowEmpty: boolean;
}

/** The config file's severities with --warnings-as-errors. */
export function severityPolicy(input: CommandInput): SeverityPolicy {
  return { levels: input.config.severity, warningsAsErrors: Boolean(input.flags.warningsAsErrors) };
}

export function contextOptions(input: CommandInput): ContextOptions {
  const flags = input.flags as unknown as EnvironmentFlags;
  return {
    ...(flags.selector ? { selector: flags.selector } : {}),
    followExternalLinks: flags.followExternalLinks,
    severity: severityPolicy(input),
  };
}
