/** Why the broker cannot start with the settings it was given. */
export class BrokerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}
