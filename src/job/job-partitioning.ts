import type { AvroSchema } from '../formats/record-file-writer';
import { Fields, JobDefinitionError } from './job-fields';
import type { TableReader } from '../table/table';
import { fileOutsideTemplate } from '../table/partition-directories';
import { DEFAULT_PARTITIONING, parsePartitionTemplate, partitionFieldProblem, PartitionTemplate, PartitionTemplateError } from '../table/partition-template';

/**
 * `output.partitioning`, parsed and checked against the value schema when the job has an `.avsc` (with `"latest"`,
 * each run checks it against the schema it resolves: `checkPartitioningFields`).
 */
export function readPartitioning(output: Fields, schema: AvroSchema | null, schemaPath: string): PartitionTemplate {
  const text = output.string('partitioning', DEFAULT_PARTITIONING);
  let template: PartitionTemplate;
  try {
    template = parsePartitionTemplate(text);
  } catch (error) {
    if (error instanceof PartitionTemplateError) output.fail('partitioning', `${JSON.stringify(text)}: ${error.detail}`);
    throw error;
  }
  const problem = schema === null ? null : partitionFieldProblem(template, schema);
  if (problem !== null) output.fail('partitioning', `${JSON.stringify(text)}: ${problem} (${schemaPath})`);
  return template;
}

/**
 * The same check against the reader schema a run resolved (a registry's `"latest"`, or an `.avsc` changed since the
 * job was read), before anything is locked or written.
 */
export function checkPartitioningFields(file: string, template: PartitionTemplate, schema: AvroSchema, source: string): void {
  const problem = partitionFieldProblem(template, schema);
  if (problem !== null) throw new JobDefinitionError(file, 'output.partitioning', `${JSON.stringify(template.template)}: ${problem} (${source})`);
}

/** Refuses to load into a table whose committed files were laid out by another `output.partitioning`. */
export async function checkTableFitsPartitioning(
  file: string, output: { formats: readonly string[]; partitioning: PartitionTemplate; table: string }, table: TableReader, partitions: readonly number[],
): Promise<void> {
  const foreign = await fileOutsideTemplate(table, output.formats, output.partitioning, partitions);
  if (foreign !== null) {
    throw new JobDefinitionError(file, 'output.partitioning', `${JSON.stringify(output.partitioning.template)}: table ${output.table} was written with another partitioning (its file ${foreign} does not fit the template), and its files would no longer be found; load into a new table`);
  }
}
