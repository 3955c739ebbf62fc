/**
 * A view's JSON, serialized once per version: GET /state of a large state and
 * GET /state/digests (every plan's and drift check's first read) are read
 * often and change only on apply.
 */
export class SerializedView {
  private cached: { version: string; json: string } | undefined;

  constructor(private readonly view: () => unknown) {}

  json(version: string): string {
    if (this.cached?.version !== version) this.cached = { version, json: JSON.stringify(this.view()) };
    return this.cached.json;
  }
}
