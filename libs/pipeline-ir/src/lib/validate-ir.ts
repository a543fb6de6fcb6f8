import type { FieldError, IrNodeType, PipelineIr } from '@flow/contracts';
import { validateSchedule } from '@flow/schedule';

import { IrValidationError } from './errors';
import { NodeFields, type NodeRef } from './nodes/node-type';
import { isNodeType, NODE_TYPE_NAMES, NODE_TYPES } from './nodes/registry';
import { checkTrigger } from './validation/trigger';
import {
  collectErrors,
  Fields,
  IR_LIMITS,
  isObject,
  oneOf,
  rejectUnknownFields,
  type ErrorCollector,
} from './validation/fields';

interface NodeSummary {
  index: number;
  id: string | undefined;
  type: IrNodeType | undefined;
  refs: NodeRef[];
}

/**
 * Structural validation of an IR v1 document (DESIGN §7). Returns one error per problem, each with the JSON path
 * under `path` (e.g. `ir.nodes[2].where[0].op`); an empty array means `input` is a valid {@link PipelineIr}.
 * Tables and columns are not checked against a database here: that is the compiler's job.
 */
export function validateIr(input: unknown, path = 'ir'): FieldError[] {
  return collectErrors((errors) => validateDocument(input, path, errors));
}

/** {@link validateIr} that returns the typed IR or throws an {@link IrValidationError} carrying every problem. */
export function assertValidIr(input: unknown, path = 'ir'): PipelineIr {
  const details = validateIr(input, path);
  if (details.length > 0) throw new IrValidationError(details);
  return input as PipelineIr;
}

/**
 * The checks of one node on its own (fields, types, values; not the graph: whether its inputs exist is
 * {@link validateIr}'s job), with paths under `path` — e.g. a config form validating `ir.nodes[3]` while typing.
 */
export function validateNode(input: unknown, path: string): FieldError[] {
  return collectErrors((errors) => checkNode(input, 0, path, errors));
}

function validateDocument(
  input: unknown,
  path: string,
  errors: ErrorCollector,
): void {
  const doc = Fields.of(
    input,
    path,
    ['version', 'schedule', 'trigger', 'nodes'],
    errors,
  );
  if (!doc) return;

  if (!doc.has('version')) doc.error('version', 'is required');
  else if (doc.get('version') !== 1) doc.error('version', 'must be 1');

  const schedule = doc.get('schedule');
  if (doc.has('schedule') && schedule !== null && schedule !== undefined) {
    for (const error of validateSchedule(schedule, doc.at('schedule')))
      errors.add(error.path, error.message);
  }

  const nodes = doc.array('nodes', {
    max: IR_LIMITS.maxNodes,
    noun: 'nodes',
    allowEmpty: true,
  });
  if (doc.has('trigger')) checkTrigger(doc, nodes, errors);
  if (!nodes) return;
  const summaries = nodes.map((node, index) =>
    checkNode(node, index, `${doc.at('nodes')}[${index}]`, errors),
  );
  validateGraph(summaries, doc.at('nodes'), errors);
}

function checkNode(
  input: unknown,
  index: number,
  path: string,
  errors: ErrorCollector,
): NodeSummary {
  const summary: NodeSummary = {
    index,
    id: undefined,
    type: undefined,
    refs: [],
  };
  if (!isObject(input)) {
    errors.add(path, 'must be an object');
    return summary;
  }
  const type = input['type'];
  const knownType = isNodeType(type) ? type : undefined;
  if (knownType)
    rejectUnknownFields(input, path, NODE_TYPES[knownType].fields, errors);

  const node = new NodeFields(input, path, errors, index);
  summary.id = node.identifier('id');
  if (!node.has('type')) node.error('type', 'is required');
  else if (!knownType) node.error('type', oneOf(NODE_TYPE_NAMES));
  summary.type = knownType;

  if (knownType) NODE_TYPES[knownType].validate(node);
  summary.refs = node.refs;
  return summary;
}

function validateGraph(
  nodes: NodeSummary[],
  path: string,
  errors: ErrorCollector,
): void {
  const byId = new Map<string, NodeSummary>();
  for (const node of nodes) {
    if (node.id === undefined) continue;
    const first = byId.get(node.id);
    if (first)
      errors.add(
        `${path}[${node.index}].id`,
        `duplicate node id "${node.id}" (first used by ${path}[${first.index}])`,
      );
    else byId.set(node.id, node);
  }

  const edges = new Map<NodeSummary, { ref: NodeRef; to: NodeSummary }[]>();
  for (const node of nodes) {
    const resolved: { ref: NodeRef; to: NodeSummary }[] = [];
    for (const ref of node.refs) {
      const to = byId.get(ref.target);
      if (!to) errors.add(ref.path, `unknown node "${ref.target}"`);
      else if (roleOf(to) === 'target')
        errors.add(
          ref.path,
          `must not name a target node ("${ref.target}"): targets produce no rows`,
        );
      else resolved.push({ ref, to });
    }
    edges.set(node, resolved);
  }

  // Depth-first search; a grey node reached again closes a cycle, reported once at the edge that closes it.
  const state = new Map<NodeSummary, 'grey' | 'black'>();
  const stack: NodeSummary[] = [];
  const visit = (node: NodeSummary): void => {
    state.set(node, 'grey');
    stack.push(node);
    for (const { ref, to } of edges.get(node) ?? []) {
      const seen = state.get(to);
      if (seen === 'grey') {
        const cycle = [...stack.slice(stack.indexOf(to)), to]
          .map((n) => n.id)
          .join(' → ');
        errors.add(ref.path, `creates a cycle: ${cycle}`);
      } else if (seen === undefined) {
        visit(to);
      }
    }
    stack.pop();
    state.set(node, 'black');
  };
  for (const node of nodes) if (!state.has(node)) visit(node);

  if (!nodes.some((node) => roleOf(node) === 'source'))
    errors.add(path, 'must contain at least one source node');
  if (!nodes.some((node) => roleOf(node) === 'target'))
    errors.add(path, 'must contain at least one target node');
}

function roleOf(node: NodeSummary): string | undefined {
  return node.type && NODE_TYPES[node.type].role;
}
