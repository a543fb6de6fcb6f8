import type { IrNode } from '@flow/contracts';

/** One line of the config pane: a field of the node and its value as text. */
export interface ConfigField {
  name: string;
  /** Short values inline; structured ones (conditions, rules, columns) as a block. */
  value: string;
  block: boolean;
}

const LABELS: Record<string, string> = {
  groupBy: 'group by',
  onFail: 'on fail',
};

/** The node's configuration as label/value pairs, every field but `id` and `type`, in the IR's order. */
export function configFields(node: IrNode): ConfigField[] {
  return Object.entries(node)
    .filter(([name]) => name !== 'id' && name !== 'type')
    .map(([name, value]) => {
      const label = LABELS[name] ?? name;
      if (typeof value === 'string' || typeof value === 'number')
        return { name: label, value: String(value), block: false };
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((item) => typeof item === 'string')
      )
        return { name: label, value: value.join(', '), block: false };
      return {
        name: label,
        value: JSON.stringify(value, null, 2),
        block: true,
      };
    });
}
