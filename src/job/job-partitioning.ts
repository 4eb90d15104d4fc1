import type { AvroSchema } from '../formats/record-file-writer';
import type { Fields } from './job-fields';
import { DEFAULT_PARTITIONING, parsePartitionTemplate, partitionFieldProblem, PartitionTemplate, PartitionTemplateError } from '../table/partition-template';

/**
 * `output.partitioning`, parsed and checked against the value schema (when the job has one before its first run:
 * with `"latest"` the fields are not known, and a field missing from a record goes to the default partition).
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
