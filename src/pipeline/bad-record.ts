/** A record that cannot become an output row; its message is the dead letter's reason. */
export class BadRecordError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BadRecordError';
  }
}
