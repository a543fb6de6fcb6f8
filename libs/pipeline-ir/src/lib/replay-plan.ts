import type { FieldError, PipelineIr } from '@flow/contracts';

import {
  analyzeIr,
  keyColumnsIn,
  upstreamSources,
  type Analysis,
} from './analyze-ir';
import type { Catalog } from './catalog';
import { IrCompileError } from './errors';
import { nodeTypeOf } from './nodes/registry';
import { assertValidIr } from './validate-ir';

/** What a replay of a pipeline's dead letters needs to know. */
export interface ReplayPlan {
  /**
   * For each node that writes dead letters: the sources upstream of it. A letter is replayable when its row key
   * holds an entry for each (letters written before a key was declared, or by nodes that no longer exist, are not).
   */
  letterSources: Record<string, string[]>;
}

/**
 * Checks that the pipeline can replay dead letters — every source has a key (declared, or a merge target's), the
 * key reaches every node that writes dead letters and every node that combines rows, and no node refuses a
 * partial run (a `replace` target) — and says which keys each node's letters carry. Throws
 * {@link IrValidationError} for an invalid IR and {@link IrCompileError} naming each node that stands in the way.
 */
export function planReplay(ir: PipelineIr, catalog: Catalog): ReplayPlan {
  const analysis = analyzeIr(assertValidIr(ir), catalog);
  const issues = [...analysis.issues, ...replayIssues(analysis)];
  if (issues.length > 0) throw new IrCompileError(issues);
  const letterSources: Record<string, string[]> = {};
  for (const node of ir.nodes) {
    if (nodeTypeOf(node).deadLetters?.(node))
      letterSources[node.id] = upstreamSources(node, analysis).map(
        (source) => source.id,
      );
  }
  return { letterSources };
}

/** Why a replay cannot run, one error per node in the way (empty when it can). */
export function replayIssues(analysis: Analysis): FieldError[] {
  const issues: FieldError[] = [];
  const path = (id: string) => `ir.nodes[${analysis.indexOf.get(id)}]`;
  for (const node of analysis.ir.nodes) {
    const type = nodeTypeOf(node);
    if (type.role === 'source' && !analysis.keys.has(node.id)) {
      issues.push({
        path: `${path(node.id)}.key`,
        message: `source "${node.id}" has no key: declare "key" (the columns that identify one of its rows) to replay its dead letters`,
      });
    }
    const refusal = type.replayIssue?.(node);
    if (refusal)
      issues.push({
        path: path(node.id),
        message: `cannot replay through node "${node.id}": ${refusal}`,
      });
    const checkpoint = type.deadLetters?.(node) || type.combinesRows;
    if (!checkpoint || !analysis.owner.has(node.id)) continue;
    const columns = analysis.relations.get(node.id)?.columns ?? null;
    for (const source of upstreamSources(node, analysis)) {
      const key = analysis.keys.get(source.id);
      if (!key || keyColumnsIn(columns, source.id, key)) continue;
      issues.push({
        path: `${path(source.id)}.key`,
        message: type.combinesRows
          ? `the key of source "${source.id}" (${key.join(', ')}) does not reach the output of node "${node.id}" unchanged: a replay of some of its rows would combine partial groups`
          : `the key of source "${source.id}" (${key.join(', ')}) does not reach node "${node.id}" unchanged: its dead letters could not be traced back to source rows`,
      });
    }
  }
  return issues;
}
