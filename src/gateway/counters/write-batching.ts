import type { Redis } from 'ioredis';

/**
 * Every request arrives in a callback of its own, so per-tick batching (ioredis auto-pipelining) sends
 * one write per hit. Corking the socket until the end of this event-loop turn (setImmediate runs after
 * the poll phase has handed over every readable socket) sends all the hits of the turn in one write:
 * fewer syscalls here, fewer reads in Redis. Measured: about half the client CPU per hit of auto-pipelining.
 */
export class WriteBatching {
  /** The socket corked for this event-loop turn, if any. */
  private corked: { uncork(): void } | undefined;

  constructor(private readonly client: Redis) {}

  /** Holds this turn's writes back until the turn ends (once per turn; a no-op while disconnected). */
  holdUntilTurnEnds(): void {
    if (this.corked !== undefined) return;
    const stream = this.client.stream;
    if (stream === undefined || stream.destroyed) return;
    stream.cork();
    this.corked = stream;
    setImmediate(() => {
      this.corked = undefined;
      stream.uncork();
    });
  }
}
