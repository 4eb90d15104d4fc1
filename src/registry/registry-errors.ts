/**
 * Confluent Schema Registry's errors (io.confluent.kafka.schemaregistry.rest.exceptions.Errors): an HTTP status,
 * an error_code and its message, word for word where Confluent has a format.
 */
export class RegistryError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const COMPATIBILITY_LEVEL_NAMES = 'none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive';

export const registryErrors = {
  subjectNotFound: (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number) => new RegistryError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (id?: number) => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`),
  subjectCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  /** Confluent's error_code for this was 409 (the HTTP status) until 2026's association work made it 40901; clients check the status. */
  incompatible: (subject: string, details: string[]) =>
    new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`),
  invalidSchema: (detail: string) => new RegistryError(422, 42201, detail),
  invalidVersion: (version: string) =>
    new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`),
  invalidCompatibility: () => new RegistryError(422, 42203, `Invalid compatibility level. Valid values are ${COMPATIBILITY_LEVEL_NAMES}`),
  invalidMode: (mode: string) => new RegistryError(422, 42204, `Invalid mode. Valid values are READWRITE; sluice's registry has no other mode (asked for ${mode})`),
  invalidSubject: (subject: string) => new RegistryError(422, 42208, `The specified subject '${subject}' is not a valid.`),
  store: (detail: string) => new RegistryError(500, 50001, detail),
  unauthorized: () => new RegistryError(401, 401, 'Unauthorized'),
  notFound: () => new RegistryError(404, 404, 'HTTP 404 Not Found'),
  methodNotAllowed: () => new RegistryError(405, 405, 'HTTP 405 Method Not Allowed'),
  badRequest: (detail: string) => new RegistryError(400, 400, detail),
};
