/** A `clouds.yaml` problem: a missing cloud, file or key. Its message never contains a secret. */
export class CloudConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudConfigError';
  }
}
