import type { FieldChange } from '../plan/types.js';
import type { AlertChange, AlertView } from './compare.js';

export const ALERT_SYMBOL: Record<AlertChange['kind'], string> = {
  'add-alert': '+',
  'remove-alert': '-',
  'update-alert': '~',
};

export function describeAlert(name: string, view: AlertView): string {
  const what =
    view.type === 'policy-violation' && view.policy
      ? `policy-violation of ${view.policy}`
      : view.type === 'response-code'
        ? `response-code ${view.codes?.join(',')}`
        : view.type;
  const apis = view.apis === '*' ? 'every API' : view.apis.join(', ');
  return `alert ${name} (${what} ${view.condition}, ${view.severity}, ${view.scope} counts, ${apis} → ${view.notify.join('; ')})`;
}

export function describeAlertChange(c: AlertChange): string {
  if (c.kind === 'add-alert') return `add ${describeAlert(c.alert, c.after)}`;
  if (c.kind === 'remove-alert') return `remove ${describeAlert(c.alert, c.before)}`;
  return `update alert ${c.alert}`;
}

export function alertChangeFields(c: AlertChange): FieldChange[] {
  return c.kind === 'update-alert' ? c.fields : [];
}

export function alertTotals(changes: readonly AlertChange[]): string {
  const count = (kind: AlertChange['kind']) => changes.filter((c) => c.kind === kind).length;
  return `alerts: ${count('add-alert')} to add, ${count('update-alert')} to change, ${count('remove-alert')} to remove`;
}
