/**
 * The sink of one update's context: what `ctx.reply`, `ctx.send`, `ctx.join` and
 * `ctx.leave` do. Internal.
 * @module
 */

import type { Context, ContextSink } from "../core/context.js";
import { encodeMessage } from "../protocol/encode.js";
import type { OutgoingMessage } from "../protocol/frames.js";
import { andThen } from "../util/maybe.js";
import type { MaybePromise } from "../util/types.js";
import type { PeerHost } from "./host.js";

/** Where one update's context sends: the session's outbox. Records the seqs of replies. */
export class UpdateSink<C extends Context> implements ContextSink {
  constructor(
    private readonly host: PeerHost<C>,
    private readonly session: string,
    private readonly replyTo: string | undefined,
    private readonly replySeqs: number[] | undefined,
  ) {}

  deliver(body: OutgoingMessage, to: string | undefined): MaybePromise<number> {
    const encode = (s: number) => encodeMessage(s, body, to);
    if (to === undefined || to !== this.replyTo || this.replySeqs === undefined) {
      return this.host.deliver(this.session, encode);
    }
    const seq = this.host.deliver(this.session, encode, to);
    const replySeqs = this.replySeqs;
    return andThen(seq, (value) => {
      replySeqs.push(value);
      return value;
    });
  }

  async join(room: string): Promise<void> {
    await this.host.config.ledger.join(this.session, room);
  }

  async leave(room: string): Promise<void> {
    await this.host.config.ledger.leave(this.session, room);
  }
}
