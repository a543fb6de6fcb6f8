/** The run a statement is compiled for: ids bound into dead-letter inserts, and the trusted dead-letter table. */
export interface RunContext {
  tenantId: string;
  pipelineId: string;
  runId: string;
  /** Trusted code's `name` or `schema.name` of the dead-letter table, e.g. `public.dead_letters`. */
  deadLetterTable: string;
}
