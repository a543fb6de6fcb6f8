/** The run a statement is compiled for: ids bound into dead-letter inserts, and the trusted dead-letter table. */
export interface RunContext {
  tenantId: string;
  pipelineId: string;
  /** Null for a stream batch: its letters carry the message's partition and sequence instead. */
  runId: string | null;
  /** Trusted code's `name` or `schema.name` of the dead-letter table, e.g. `public.dead_letters`. */
  deadLetterTable: string;
  /**
   * A replay: every source reads only the rows whose key one of these dead letters recorded (the row-key filter).
   * Every source must have a key; check with `planReplay` first.
   */
  replay?: { deadLetterIds: readonly string[] };
  /**
   * A stream batch: the JSON text of an array of message objects that every `stream` source reads (default `[]`).
   */
  streamBatch?: string;
}
